# sensorlab firmware for the Raspberry Pi Pico, in MicroPython.
#
# Copy it to the Pico as main.py (with Thonny), keep the Pico on USB, then in the
# notebook: sensorlab.Logger(..., source="serial") and press Connect. (The Pico's USB
# port ignores the speed, so any baud works.)
#
# Every second it prints one Arduino Serial Plotter line, which sensorlab reads:
#     temperature:23.46
# It is the Pico's own temperature sensor, inside the chip: it reads a little above
# the room's temperature and reacts slowly.
import time

import machine

sensor = machine.ADC(4)  # the temperature sensor inside the RP2040
CONVERSION = 3.3 / 65535

while True:
    volts = sensor.read_u16() * CONVERSION
    celsius = 27 - (volts - 0.706) / 0.001721  # from the RP2040 datasheet
    print("temperature:{:.2f}".format(celsius))
    time.sleep(1)
