"""The MicroPython programs: the micro:bit's on the real micro:bit v1 runtime in QEMU, the Pico's under a stub.

QEMU's micro:bit has no temperature sensor and no ADC, so test/boards/microbit-shims.py stands
in for those two calls; the Pico's `machine.ADC` is test/boards/stubs/machine.py in CPython.
"""

from __future__ import annotations

import os
import re
import sys

from boards import BOARDS, FIRMWARE, SerialProcess, microbit_v1, parse_lines, paste

MICROBIT_PROGRAM = FIRMWARE / "microbit-temperature-light.py"
IMPORT_LINE = re.compile(r"^from microbit import .*\n", re.MULTILINE)


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
