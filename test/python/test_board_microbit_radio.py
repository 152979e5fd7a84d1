"""The class gateway: its MicroPython sender and gateway on the micro:bit v1 runtime in QEMU, and MakeCode's lines.

QEMU emulates no radio: test/boards/microbit-radio-shim.py stands in for it (what a program
sends is printed on the serial line; what the test writes there is what the radio hears).
Two senders run in turn, each on its own emulated micro:bit; their messages, interleaved, are
what the gateway hears; the gateway's USB lines go through sensorlab's own line parser, which
must give each sender's readings to a device of its own.
"""

from __future__ import annotations

import ast
import re

from boards import BOARDS, FIRMWARE, microbit_v1, parse_lines, paste

SENDER = FIRMWARE / "microbit-radio-sender.py"
GATEWAY = FIRMWARE / "microbit-radio-gateway.py"
IMPORT = re.compile(r"^(?:from \S+ )?import .*\n", re.MULTILINE)
RADIO_SHIM = (BOARDS / "microbit-radio-shim.py").read_text()
PACKET_LINE = re.compile(r'\{"t":\d+,"s":-?\d+,"n":"[^"]*"(?:,"v":-?\d+)?\}')

# QEMU gives every emulated micro:bit the same chip number (0x12345678 in the bytes that make
# the serial number); the second sender gets one of its own, with the top bit set, as half of
# all real micro:bits have: MakeCode sends those as negative numbers.
QEMU_SERIAL = 0x12345678
OTHER_CHIP = 'class machine:\n    def unique_id():\n        return b"\\x03\\x00\\x00\\x00\\x87\\xa9\\xcb\\xfe"\n'
OTHER_SERIAL = 0xFECBA987 - 2**32


def run_program(program: str, shims: str):
    """A v1 in QEMU running `program`, with `shims` pasted after its imports (the board is left running)."""
    end_of_imports = list(IMPORT.finditer(program))[-1].end()
    board = microbit_v1()
    try:
        for part in (program[:end_of_imports], shims):
            paste(board, part)
            board.wait_for(r">>> ")
        paste(board, program[end_of_imports:])
    except BaseException:
        board.stop()
        raise
    return board


def sent_by_sender(name: str, celsius: int, light: int, chip: str = "") -> list[str]:
    """The radio messages of the sender program named `name`, in its first three seconds."""
    program = SENDER.read_text()
    assert 'NAME = "group 1"' in program, "the sender program no longer names its group in NAME"
    program = program.replace('NAME = "group 1"', f'NAME = "{name}"')
    sensors = f"ROOM_CELSIUS = {celsius}\nLIGHT_LEVEL = {light}\n" + (BOARDS / "microbit-shims.py").read_text()
    with run_program(program, sensors + RADIO_SHIM + chip) as board:
        board.wait_for(r"^radio config \[\('group', 12\)\]\n")
        board.wait_for(r"^radio on\n")
        return [ast.literal_eval(board.wait_for(r"^radio sends (.*)\n").group(1)) for _ in range(9)]


def test_two_senders_through_the_gateway_become_two_devices():
    first = sent_by_sender("group 1", 23, 87)
    second = sent_by_sender("group 2", 18, 140, OTHER_CHIP)
    assert first == [f"{QEMU_SERIAL},temp,23", f"{QEMU_SERIAL},light,87", f"{QEMU_SERIAL},group 1"] * 3
    assert second == [f"{OTHER_SERIAL},temp,18", f"{OTHER_SERIAL},light,140", f"{OTHER_SERIAL},group 2"] * 3

    # What else may be on the same radio group: another program's text, a value that is no number.
    others = ["hello", "7,temp,warm", "7,a,b,c"]
    heard = [message for pair in zip(first, second) for message in pair]
    heard[3:3] = others
    lines = []
    with run_program(GATEWAY.read_text(), RADIO_SHIM) as gateway:
        gateway.wait_for(r"^radio config \[\('group', 12\), \('queue', 20\)\]\n")
        gateway.wait_for(r"^radio on\n")
        for message in heard:
            gateway.send(message + "\n")
            if message not in others:
                lines.append(gateway.wait_for(r"^.*\n").group(0).rstrip("\n"))
    assert "Traceback" not in "\n".join(lines)
    assert all(PACKET_LINE.fullmatch(line) for line in lines), lines
    assert len(lines) == 18

    results = parse_lines(lines)
    assert all(result["bad"] == [] for result in results), results
    readings: dict[str, list[dict]] = {}
    names: dict[str, str] = {}
    for result in results:
        if result["values"] is not None:
            readings.setdefault(result["source"], []).append(result["values"])
        if "device" in result:
            names[result["source"]] = result["device"]
    assert readings == {
        f"microbit-{QEMU_SERIAL}": [{"temp": 23}, {"light": 87}] * 3,
        f"microbit-{OTHER_SERIAL}": [{"temp": 18}, {"light": 140}] * 3,
    }
    assert names == {f"microbit-{QEMU_SERIAL}": "group 1", f"microbit-{OTHER_SERIAL}": "group 2"}
    # A reading before its sender's name has none; after it, each carries the name.
    assert "device" not in results[0]
    assert results[14] == {
        "values": {"light": 87},
        "bad": [],
        "sender": QEMU_SERIAL,
        "device": "group 1",
        "source": f"microbit-{QEMU_SERIAL}",
    }


def test_makecode_gateway_lines_become_one_device_per_sender():
    """MakeCode's "write received packet to serial", from senders with "radio set transmit serial number"."""
    lines = [
        '{"t":3021,"s":1923449,"n":"temp","v":21}',
        '{"t":3022,"s":-73121,"n":"temp","v":19}',
        '{"t":3025,"s":1923449,"n":"light","v":134}',
        '{"t":3030,"s":-73121,"n":"group 2"}',
        '{"t":3040,"s":-73121,"n":"light","v":40}',
        '{"t":3100,"s":5,"v":7}',  # radio send number 7: no name
        '{"t":4021,"s":1923449,"n":"temp","v":22}',
    ]
    results = parse_lines(lines)
    assert [(r.get("source"), r["values"], r.get("device")) for r in results] == [
        ("microbit-1923449", {"temp": 21}, None),
        ("microbit--73121", {"temp": 19}, None),
        ("microbit-1923449", {"light": 134}, None),
        ("microbit--73121", None, "group 2"),
        ("microbit--73121", {"light": 40}, "group 2"),
        ("microbit-5", {"value 1": 7}, None),
        ("microbit-1923449", {"temp": 22}, None),
    ]
    assert all(result["bad"] == [] for result in results)
