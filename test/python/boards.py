"""Run the programs of examples/firmware/ on emulated boards, and read what they print."""

from __future__ import annotations

import codecs
import fcntl
import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "examples" / "firmware"
BOARDS = ROOT / "test" / "boards"
HARNESS = BOARDS / ".build" / "simavr-harness"
THERMOSTAT_ELF = BOARDS / ".build" / "arduino-thermostat" / "arduino-thermostat.elf"
MICROBIT_FIRMWARE = Path("/usr/share/firmware-microbit-micropython/firmware.hex")
PASTE_PIECE = 16  # characters sent to the micro:bit's REPL before waiting for their echo


def build_boards() -> None:
    """Build the simavr harness and the Arduino sketch; a missing toolchain fails loudly."""
    (BOARDS / ".build").mkdir(exist_ok=True)
    # pytest's workers run side by side: one builds, the others wait for it.
    with open(BOARDS / ".build" / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(["make", "-s", "-C", str(BOARDS)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(
            "Building the board programs failed (are the Debian packages there? `make "
            f"system-packages` installs them):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )


def parse_lines(lines: list[str], line_format: str = "auto") -> list[dict]:
    """What sensorlab's own LineParser (TypeScript, through Node) reads from each line, in order."""
    done = subprocess.run(
        ["node", str(BOARDS / "parse-lines.cjs"), line_format],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(result) for result in done.stdout.splitlines()]


class SerialProcess:
    """A program whose stdin and stdout are a board's serial line, read in the background."""

    def __init__(self, cmd: list[str], **popen):
        self._stderr = tempfile.TemporaryFile()
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [str(part) for part in cmd], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, **popen
        )
        self._text = ""
        self._cursor = 0  # what the test has already looked at ends here
        self._closed = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        held = ""  # a "\r" at the end of a chunk, until the next one tells whether "\n" follows
        while chunk := self.process.stdout.read1(4096):
            text = held + decoder.decode(chunk)
            held = "\r" if text.endswith("\r") else ""
            with self._changed:
                self._text += text[: len(text) - len(held)].replace("\r\n", "\n")
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match:
        """Wait until the output after what was read so far matches `pattern`; read up to its end."""
        regex = re.compile(pattern, re.MULTILINE)
        with self._changed:
            found = self._changed.wait_for(lambda: regex.search(self._text, self._cursor) or self._closed, timeout)
            match = regex.search(self._text, self._cursor)
            if not match:
                why = "the program ended" if found else f"nothing matched within {timeout} s"
                raise AssertionError(
                    f"{why}, waiting for {pattern!r}; it printed:\n{self._text[self._cursor :][-3000:]}"
                    f"\nstderr:\n{self.stderr()[-2000:]}"
                )
            self._cursor = match.end()
            return match

    def lines(self, count: int, timeout: float = 20) -> list[str]:
        """The next `count` whole lines."""
        return [self.wait_for(r".*\n", timeout).group(0)[:-1] for _ in range(count)]

    def rest(self, timeout: float = 30) -> list[str]:
        """Every line until the program ends by itself (stdin stays open)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._closed, timeout):
                raise AssertionError(f"the program did not end within {timeout} s")
            rest, self._cursor = self._text[self._cursor :], len(self._text)
        return rest.splitlines()

    def send(self, text: str) -> None:
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def stderr(self) -> str:
        if self._stderr.closed:
            return self._stderr_text
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def stop(self) -> None:
        """Close its stdin (the simavr harness stops then); end it by its own pid if it goes on (QEMU)."""
        if self.process.stdin and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.process.wait(2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self._reader.join(10)

    def __enter__(self) -> SerialProcess:
        return self

    def __exit__(self, *_) -> None:
        self.stop()
        self._stderr_text = self.stderr()  # kept for the checks after the run
        self._stderr.close()


def microbit_v1() -> SerialProcess:
    """A micro:bit v1 in QEMU running Debian's MicroPython, at its REPL on the serial line."""
    qemu = shutil.which("qemu-system-arm")
    if not qemu or not MICROBIT_FIRMWARE.exists():
        pytest.fail("QEMU or the micro:bit's MicroPython is missing: `make system-packages` installs them")
    board = SerialProcess(
        [
            qemu,
            "-M",
            "microbit",
            "-device",
            f"loader,file={MICROBIT_FIRMWARE}",
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "stdio",
        ]
    )
    board.wait_for(r"MicroPython v1\.9\.2.* micro:bit v1.*\n", timeout=30)
    board.wait_for(r">>> ")
    return board


def paste(board: SerialProcess, code: str) -> None:
    """Run code through the REPL's paste mode: Ctrl-E, the code, Ctrl-D.

    A few characters at a time, each after the echo of the ones before: the emulated v1
    drops what comes in faster than its REPL reads it.
    """
    board.send("\x05")
    board.wait_for(r"paste mode; Ctrl-C to cancel, Ctrl-D to finish\n")
    for line in code.splitlines(keepends=True):
        for start in range(0, len(line), PASTE_PIECE):
            piece = line[start : start + PASTE_PIECE]
            board.send(piece)
            board.wait_for(re.escape(piece))
    board.send("\x04")
