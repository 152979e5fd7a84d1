"""A stand-in for MicroPython's `machine` on a Raspberry Pi Pico, to run its programs in CPython.

ADC(4) is the RP2040's temperature sensor: it reads as a chip at SENSORLAB_PICO_CELSIUS
degrees, by the RP2040 datasheet (0.706 V at 27 °C, -1.721 mV per degree, 3.3 V reference).
"""

import os


class ADC:
    def __init__(self, channel):
        if channel != 4:
            raise ValueError("this stand-in has only the temperature sensor, ADC(4)")

    def read_u16(self):
        volts = 0.706 - (float(os.environ["SENSORLAB_PICO_CELSIUS"]) - 27) * 0.001721
        return round(volts / 3.3 * 65535)
