"""Item 9 of the benchmark's report: many devices in one tab (bench/devices.bench.ts)."""

from __future__ import annotations


def report_rows(d: dict, row, ratio, pct) -> None:
    """A class gateway and ten boards: the page's share of a core beside the same page idle, and latencies."""
    gateway, ten = d["gateway"], d["ten"]
    rate = gateway["senders"] * d["hz"]
    for label, case in (
        (f"a class gateway: {gateway['senders']} senders × {d['hz']} Hz ({rate} readings/s) on one USB board", gateway),
        (f"{ten['boards']} USB boards in one tab, {d['hz']} Hz each", ten),
    ):
        row(
            f"9. {label}: the page's share of a core (vs the same page idle, devices connected)",
            pct(case["share"]),
            pct(case["idle_share"]),
            ratio(case["share"], case["idle_share"]),
            "—",
            "—",
        )
        row(
            f"9. {label}: latency reading → kernel, p99 (p50 {case['p50']:.0f} ms; batches every "
            f"{d['forward_every']:g} s; {case['readings']:,} readings, none lost)",
            f"{case['p99']:,.0f} ms",
            "—",
            "—",
            "—",
            "—",
        )


def how_measured(d: dict) -> list[str]:
    return [
        f"9. `bench/devices.bench.ts` in Chromium, one fresh tab per case, with the widget and the sidebar "
        "showing every device: fake Web Serial boards (test/browser/fake-serial.js, the device boundary) print "
        "lines and everything after them is the product (framer, parser, hub, widget, sidebar, forwarder, "
        f"readings comm, Logger). The gateway prints MakeCode radio packets, one line each, interleaved, "
        f"for {d['seconds']} s; each board of the ten prints `temperature:… round:…` {d['hz']} times a second. "
        "Every reading carries its round number; the kernel must hold each once. Share of a core = the page's "
        "main-thread busy time (Chromium's `TaskDuration` over CDP) ÷ wall time, the fake boards' own "
        "printing included (it runs in the page); baseline: the same page for 10 s with the same devices "
        f"connected and printing nothing. Latency as in item 2; with batches every {d['forward_every']:g} s "
        "a p99 near that interval means the kernel keeps up.",
    ]


def also_seen(d: dict) -> list[str]:
    seen = d["gateway"]["devices_seen"]
    return [
        f"- Item 9's gateway readings reached the kernel as {seen} "
        + ("device" if seen == 1 else "devices")
        + f" (of {d['gateway']['senders']} senders): "
        + (
            "this build's line reader does not name the senders yet, so they came as the gateway port's own readings."
            if seen == 1
            else "each sender its own device."
        ),
    ]
