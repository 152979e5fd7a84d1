# Stand-ins pasted into the micro:bit v1 REPL in QEMU, after the program's `from microbit import`
# line and before the rest of it: QEMU emulates neither the temperature sensor nor the ADC
# behind the light level, and the real calls wait forever there. The test puts ROOM_CELSIUS
# and LIGHT_LEVEL in front. Everything else the program uses is the real micro:bit runtime.
# ruff: noqa: F821 (display, ROOM_CELSIUS and LIGHT_LEVEL exist where this is pasted)
_real_display = display


class _Display:
    def read_light_level(self):
        return LIGHT_LEVEL

    def scroll(self, text, wait=True):
        # Shown on the (emulated) LEDs, and said on the serial line so the test sees it.
        print("display scrolls", repr(text))
        _real_display.scroll(text, wait=wait)


def temperature():
    return ROOM_CELSIUS


display = _Display()
