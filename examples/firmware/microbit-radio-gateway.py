# sensorlab class gateway: the program for the teacher's micro:bit (v1 and v2), in MicroPython.
#
# It receives what the groups' micro:bits send (microbit-radio-sender.py) and writes each
# message to USB as one line, in the same form as MakeCode's "write received packet to serial":
#     {"t":3021,"s":1923449,"n":"temp","v":21}
# (t: this micro:bit's milliseconds since start, s: the sender's serial number, n: the name,
# v: the value; a name without a value is the group's name). Flash it, keep this micro:bit on
# USB, then in the notebook: sensorlab.Logger(..., source="serial") and press Connect.
# Every group appears in sensorlab on its own, as microbit-<serial number> or by its NAME.
#
# RADIO_GROUP must be the number in the groups' programs.
from microbit import running_time, uart
import radio

RADIO_GROUP = 12

uart.init(baudrate=115200)
# A queue of 20: while one line goes out, the messages of many groups can come in.
radio.config(group=RADIO_GROUP, queue=20)
radio.on()


def packet_line(message):
    """The JSON line for one message "serial,name,value" or "serial,name"."""
    parts = message.split(",")
    sender = int(parts[0])
    # A quote or backslash in a name would break the line: they become ' and /.
    name = parts[1].replace('"', "'").replace("\\", "/")
    line = '{"t":%d,"s":%d,"n":"%s"' % (running_time(), sender, name)
    if len(parts) == 3:
        float(parts[2])  # a value that is no number is no reading (ValueError)
        line += ',"v":' + parts[2].strip()
    elif len(parts) != 2:
        raise ValueError("not a sensorlab message")
    return line + "}"


while True:
    try:
        message = radio.receive()
        if message:
            print(packet_line(message))
    except (ValueError, IndexError):
        # Something else on this radio group (a MakeCode program, another game): not ours.
        pass
