"""Item 10 of the benchmark's report: the class site's Pyodide kernel (bench/lite.bench.ts)."""

from __future__ import annotations


def median(values):
    return sorted(values)[len(values) // 2]


def report_rows(d: dict, row, ratio) -> None:
    """Readings into the Pyodide kernel with the logger's file in IndexedDB beside in memory only, and a
    trivial cell while a post is held beside the same cells with nothing posting."""
    stored, memory = d["stored"], d["memory"]
    t, tm = stored["throughput"], memory["throughput"]
    pk, pkm = stored["peak"], memory["peak"]
    row(
        f"10. class site (Pyodide kernel): readings/s page → kernel, offered {d['offered_rate']:,}/s for "
        f"{t['seconds']:.0f} s ({t['count']:,} readings, none lost), the file kept in IndexedDB "
        "(baseline: in the kernel's memory only)",
        f"{t['rate']:,.0f}",
        f"{tm['rate']:,.0f}",
        ratio(t["rate"], tm["rate"]),
        "—",
        "—",
    )
    row(
        f"10. class site: ceiling, readings/s delivered when {pk['count']:,} are offered at "
        f"{d['peak_rate']:,}/s, best of {len(stored['peaks'])} bursts (IndexedDB vs memory only)",
        f"{pk['delivered_rate']:,.0f}",
        f"{pkm['delivered_rate']:,.0f}",
        ratio(pk["delivered_rate"], pkm["delivered_rate"]),
        "—",
        "—",
    )
    row(
        f"10. class site: latency reading → kernel, p50 (forward every {d['forward_every'] * 1000:.0f} ms)",
        f"{t['p50']:.0f} ms",
        f"{tm['p50']:.0f} ms",
        ratio(t["p50"], tm["p50"]),
        "—",
        "—",
    )
    row(
        "10. class site: latency reading → kernel, p99",
        f"{t['p99']:.0f} ms",
        f"{tm['p99']:.0f} ms",
        ratio(t["p99"], tm["p99"]),
        "—",
        "—",
    )
    k, km = t["kept"], tm["kept"]
    row(
        f"10. class site: latency reading → kept (its batch acked), p99 (p50 {k['p50']:.0f} vs {km['p50']:.0f} ms)",
        f"{k['p99']:.0f} ms",
        f"{km['p99']:.0f} ms",
        ratio(k["p99"], km["p99"]),
        "—",
        "—",
    )
    c = t["copies"]
    row(
        f"10. class site: one copy of the logger's file to IndexedDB, median while readings flowed "
        f"(slowest {c['max_ms']:.0f} ms; {c['copies']} copies, {c['busy']:.0%} of the time; the file "
        f"{c['file_mb']:.1f} MB at the end)",
        f"{c['median_ms']:.0f} ms",
        "—",
        "—",
        "—",
        "—",
    )
    resp = d["responsive"]
    held, idle = resp["trivial_ms"], resp["idle_ms"]
    row(
        f"10. class site: trivial cell from the page while the Logger posts to a sheet server that holds every "
        f"request: worst of {len(held)} (median {median(held):.0f} vs {median(idle):.0f} ms; "
        "baseline: nothing posting)",
        f"{max(held):.0f} ms",
        f"{max(idle):.0f} ms",
        ratio(max(held), max(idle)),
        "—",
        "—",
    )


def how_measured(d: dict) -> list[str]:
    t = d["stored"]["throughput"]
    return [
        "10. `bench/lite.bench.ts` in Chromium on the class site (build/lite/, JupyterLite with the Pyodide "
        "kernel, served on 127.0.0.1; a request leaving it fails the run), each case in a fresh page and "
        "kernel: a Logger displayed in a notebook cell, then readings enter the page's simulated source as in "
        f"item 2 (the same page-side code, bench/page.ts): {d['offered_rate']:,}/s for {t['seconds']:.0f} s, "
        f"then {len(d['stored']['peaks'])} bursts of {d['stored']['peak']['count']:,} offered at "
        f"{d['peak_rate']:,}/s (more than the kernel takes, and below the 100,000 the page holds for it; the "
        "ceiling is the best burst's). Before both cases a first page runs a shorter one, not measured: "
        "the browser's first Pyodide runs colder than later ones. The kernel must hold each reading exactly "
        "once (checked in pure Python: the site's kernel has no numpy offline). Rate, latency and ceiling as "
        "in item 2. Kept = when the batch holding a reading was acked: with the file in IndexedDB (the "
        "default), once the copy of the logger's folder to IndexedDB that followed its write ended; baseline: "
        "the same page and readings with `sensorlab.browserstorage.available` made False, so the file is kept "
        "in the kernel's memory only and a batch is acked as it is stored. A copy = IDBFS's sync of the "
        "folder, timed around `BrowserFolder._copy`. Trivial cell: `pass` 30 times from the page, 100 ms "
        "apart, readings arriving at 10/s, first with no Logger posting (baseline), then while a second "
        "Logger's post is held by a proxy that holds every request (test/lite/holding-proxy.ts); released "
        "afterwards, its rows must then be posted with no error.",
    ]


def also_seen(d: dict, server: dict | None) -> list[str]:
    stored, memory = d["stored"], d["memory"]
    lines = [
        f"- Item 10: opening the site, starting the Pyodide kernel and loading sensorlab until the first "
        f"readings arrived took {memory['set_up_seconds']:.0f} s and {stored['set_up_seconds']:.0f} s. "
        f"During the burst the copies to IndexedDB took a median {stored['peak']['copies']['median_ms']:,.0f} ms "
        f"(the file {stored['peak']['copies']['file_mb']:.0f} MB): IDBFS copies a changed file whole, so a "
        "copy's time grows with the file. Each burst's readings/s: IndexedDB "
        + ", ".join(f"{rate:,.0f}" for rate in stored["peaks"])
        + "; memory only "
        + ", ".join(f"{rate:,.0f}" for rate in memory["peaks"])
        + ".",
    ]
    if server:
        lines.append(
            f"- The server kernel's ceiling in the same run (item 2) was {server['peak']['delivered_rate']:,.0f} "
            f"readings/s; the Pyodide kernel's, with its file in IndexedDB, "
            f"{stored['peak']['delivered_rate']:,.0f}."
        )
    return lines
