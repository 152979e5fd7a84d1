"""The Arduino thermostat sketch, compiled with Debian's AVR toolchain and run on a simulated ATmega328P.

test/boards/simavr-harness.c runs it in simavr with a TMP36 on A0 at the room temperature
the test sets, the test's text on the board's serial input, and its serial output read here.
"""

from __future__ import annotations

import re
import time

import pytest
from boards import HARNESS, THERMOSTAT_ELF, SerialProcess, build_boards, parse_lines

# One Serial Plotter line a second, as the 05 lesson reads it.
READING = re.compile(r"temperature:(-?\d+\.\d\d)\ttarget:(\S+)\theater:(\S+)")
# One step of the Uno's 10-bit ADC at 5 V is 4.9 mV, nearly half a degree of a TMP36.
ADC_STEP_CELSIUS = 0.49
STAYS = "The target stays as it was."


@pytest.fixture(scope="module", autouse=True)
def built():
    build_boards()


def thermostat(*args) -> SerialProcess:
    return SerialProcess([HARNESS, THERMOSTAT_ELF, *args])


def readings(lines: list[str]) -> list[dict]:
    """The reading lines, as text: a broken sketch may print "nan" or "ovf" as its target."""
    found = [READING.fullmatch(line) for line in lines]
    return [{"temperature": float(m[1]), "target": m[2], "heater": m[3]} for m in found if m]


def heater_events(board: SerialProcess) -> list[tuple[str, float]]:
    """The heater pin (D7) as the harness saw it switch: ("on"/"off", simulated seconds)."""
    return [(m[1], float(m[2])) for m in re.finditer(r"^heater (on|off) at ([\d.]+) s$", board.stderr(), re.MULTILINE)]


def test_readings_follow_the_room_temperature():
    started = time.monotonic()
    with thermostat("--celsius", "24", "--at", "3:29.7", "--seconds", "7") as board:
        lines = board.rest()
    real = time.monotonic() - started
    print(f"simavr: 7 s simulated in {real:.1f} s real")
    assert len(lines) == 7 and all(READING.fullmatch(line) for line in lines), lines
    found = readings(lines)
    assert all(abs(r["temperature"] - 24) <= ADC_STEP_CELSIUS for r in found[:3]), found
    assert all(abs(r["temperature"] - 29.7) <= ADC_STEP_CELSIUS for r in found[4:]), found
    # The room is above the target: the heater stays off.
    assert {(r["target"], r["heater"]) for r in found} == {("21.00", "0")}
    # sensorlab reads each line as the three channels the lesson draws.
    assert [p["values"] for p in parse_lines(lines)] == [
        {"temperature": r["temperature"], "target": 21, "heater": 0} for r in found
    ]


def test_the_heater_goes_off_as_soon_as_the_room_is_warmer_than_the_target():
    # Cold, so the heater is on; the target is 21.2; at 3 s the room reads 21.36 °C (the ADC's
    # step next to 21.4): warmer than asked, if only a little, so the heater must be off.
    with thermostat("--celsius", "19", "--at", "3:21.4", "--seconds", "7") as board:
        board.send("target 21.2\n")
        found = readings(board.rest())
    assert found[0]["heater"] == "1", found
    warm = [r for r in found if r["temperature"] > 21.2]
    assert len(warm) >= 2 and {r["heater"] for r in warm} == {"0"}, found
    switched, at = heater_events(board)[-1]
    assert switched == "off" and 3 <= at < 4


def test_a_new_target_is_used_and_switches_the_heater():
    with thermostat("--celsius", "22") as board:
        before = readings(board.lines(2))
        board.send("target 22.5\n")
        board.wait_for(r"target:22\.50\theater:1\n")
        after = readings(board.lines(2))
    assert [(r["target"], r["heater"]) for r in before] == [("21.00", "0")] * 2
    assert [(r["target"], r["heater"]) for r in after] == [("22.50", "1")] * 2
    assert heater_events(board)[-1][0] == "on"


@pytest.mark.parametrize(
    "value, why",
    [
        ("abc", "it is not a number"),
        ("nan", "it is not a number"),
        ("inf", "it is outside the safe range of five to thirty-five degrees"),
        ("5e9", "it is outside the safe range of five to thirty-five degrees"),
        ("35.5", "it is outside the safe range of five to thirty-five degrees"),
        ("", "this thermostat only understands the word target and a number"),
    ],
)
def test_a_bad_target_is_refused_and_the_heater_goes_off_above_the_target(value, why):
    # A cold room: the heater is on. Then the bad target, then the room gets warm at 4 s.
    with thermostat("--celsius", "18", "--at", "4:29.7", "--seconds", "8") as board:
        first = readings(board.lines(2))
        board.send(f"target {value}\n")
        lines = board.rest()
    found = first + readings(lines)
    assert {r["target"] for r in found} == {"21.00"}, found
    assert first[0]["heater"] == "1"
    warm = [r for r in found if r["temperature"] > 29]
    assert len(warm) >= 3 and {r["heater"] for r in warm} == {"0"}, found
    switched, at = heater_events(board)[-1]
    assert switched == "off" and 4 <= at < 5
    command = f"target {value}".strip()
    assert [line for line in lines if not READING.fullmatch(line)] == [
        f'"{command}" was not used because {why}. {STAYS}'
    ]
    # The refusal is words for people, never a reading.
    refusal = next(i for i, line in enumerate(lines) if not READING.fullmatch(line))
    assert parse_lines(lines)[refusal]["values"] is None
