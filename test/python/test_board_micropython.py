"""The MicroPython programs: the micro:bit's on the real micro:bit v1 runtime in QEMU, the Pico's under a stub.

QEMU's micro:bit has no temperature sensor and no ADC, so test/boards/microbit-shims.py stands
in for those two calls; the Pico's `machine.ADC` is test/boards/stubs/machine.py in CPython.
"""

from __future__ import annotations

import os
import re
import shutil
import sys

import pytest
from boards import BOARDS, FIRMWARE, MICROBIT_FIRMWARE, SerialProcess, parse_lines

MICROBIT_PROGRAM = FIRMWARE / "microbit-temperature-light.py"
IMPORT_LINE = re.compile(r"^from microbit import .*\n", re.MULTILINE)
PASTE_PIECE = 16  # characters sent to the REPL before waiting for their echo


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


def test_microbit_program_runs_on_a_v1_and_answers_a_command():
    program = MICROBIT_PROGRAM.read_text()
    imports = IMPORT_LINE.search(program)
    assert imports, "the micro:bit program no longer starts with `from microbit import ...`"
    shims = "ROOM_CELSIUS = 23\nLIGHT_LEVEL = 87\n" + (BOARDS / "microbit-shims.py").read_text()
    with microbit_v1() as board:
        # The program up to its import line, then the stand-ins for what QEMU lacks, then the rest.
        for part in (program[: imports.end()], shims):
            paste(board, part)
            board.wait_for(r">>> ")
        paste(board, program[imports.end() :])
        readings = [board.wait_for(r"^temperature:.*\n").group(0).strip() for _ in range(3)]
        board.send("target 22\n")
        answer = board.wait_for(r"^display scrolls .*\n|^Traceback[\s\S]*?\n>>> ").group(0)
        # The v1 has no bytes.decode: the old program stopped here with an AttributeError.
        assert answer == "display scrolls '22'\n", answer
        readings += [board.wait_for(r"^temperature:.*\n").group(0).strip() for _ in range(2)]
    assert readings == ["temperature:23 light:87"] * 5
    assert [p["values"] for p in parse_lines(readings)] == [{"temperature": 23, "light": 87}] * 5


def test_pico_program_prints_the_chip_temperature():
    env = dict(os.environ, PYTHONPATH=str(BOARDS / "stubs"), SENSORLAB_PICO_CELSIUS="25.5")
    with SerialProcess([sys.executable, "-u", FIRMWARE / "pico-temperature.py"], env=env) as pico:
        lines = pico.lines(2)
    assert all(re.fullmatch(r"temperature:-?\d+\.\d\d", line) for line in lines), lines
    # One step of the 16-bit reading is 0.05 mV, 0.03 °C.
    values = [p["values"] for p in parse_lines(lines)]
    assert all(v.keys() == {"temperature"} and abs(v["temperature"] - 25.5) <= 0.03 for v in values), values
