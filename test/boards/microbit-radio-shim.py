# A stand-in for the radio, pasted into the micro:bit v1 REPL in QEMU after a program's imports:
# QEMU emulates no radio. What the program sends goes out on the serial line as
# `radio sends '...'`, for the test to collect; lines the test writes to the serial line are
# what the radio hears. The program's own logic runs on the real micro:bit runtime.
from microbit import uart as _air


class _Radio:
    def __init__(self):
        self._heard = b""

    def config(self, **settings):
        print("radio config", sorted(settings.items()))

    def on(self):
        print("radio on")

    def send(self, message):
        print("radio sends", repr(message))

    def receive(self):
        if _air.any():
            self._heard += _air.read() or b""
        if b"\n" not in self._heard:
            return None
        line, self._heard = self._heard.split(b"\n", 1)
        return str(line, "utf-8")


radio = _Radio()
