# sensorlab firmware for the BBC micro:bit (v1 and v2), in MicroPython.
#
# Flash it from https://python.microbit.org (or Mu), keep the micro:bit on USB, then in
# the notebook: sensorlab.Logger(..., source="serial", baud=115200) and press Connect.
#
# Every second it prints one Arduino Serial Plotter line, which sensorlab reads:
#     temperature:21 light:134
# temperature is in degrees Celsius (the processor's sensor, a little above room
# temperature); light is 0 (dark) to 255 (bright), measured with the LED display.
#
# Lines the notebook sends with logger.send("...") arrive here: "target 22" shows the
# target on the display for a moment.
from microbit import display, sleep, temperature, uart

uart.init(baudrate=115200)
incoming = b""

while True:
    print("temperature:{} light:{}".format(temperature(), display.read_light_level()))
    if uart.any():
        incoming += uart.read() or b""
        while b"\n" in incoming:
            line, incoming = incoming.split(b"\n", 1)
            # str(..., "utf-8"), not line.decode(): the v1's MicroPython has no bytes.decode.
            words = str(line, "utf-8").strip().split()
            if len(words) == 2 and words[0] == "target":
                display.scroll(words[1], wait=False)
    sleep(1000)
