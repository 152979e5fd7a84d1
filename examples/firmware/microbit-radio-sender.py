# sensorlab class gateway: the program for each group's micro:bit (v1 and v2), in MicroPython.
#
# Every second it sends its temperature and light level by radio to the teacher's micro:bit,
# which runs microbit-radio-gateway.py and is plugged into the laptop. Flash it from
# https://python.microbit.org (or Mu) onto every group's micro:bit; change only NAME.
#
# RADIO_GROUP: the whole class uses the same number (0 to 255), the one in the gateway's
# program; the class next door picks another, so the two classes do not mix.
# NAME: how this group appears in sensorlab and in the sheet (at most 18 letters, no commas).
# Leave it "" and the micro:bit's serial number stands for it.
from microbit import display, sleep, temperature
import machine
import radio

RADIO_GROUP = 12
NAME = "group 1"

# The chip's own number, signed like the serial number MakeCode's radio sends.
SERIAL = int.from_bytes(machine.unique_id()[4:8], "little")
if SERIAL >= 0x80000000:
    SERIAL -= 0x100000000

radio.config(group=RADIO_GROUP)
radio.on()

while True:
    # One message per value: "serial,name,value"; a message without a value gives the name.
    radio.send("{},temp,{}".format(SERIAL, temperature()))
    radio.send("{},light,{}".format(SERIAL, display.read_light_level()))
    if NAME:
        radio.send("{},{}".format(SERIAL, NAME[:18]))
    sleep(1000)
