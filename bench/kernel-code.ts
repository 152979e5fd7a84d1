// The Python the benchmark runs in the kernel: Loggers, a naive comm, and the checks and summaries of what arrived.

export const FORWARD_EVERY = Number(process.env.SENSORLAB_BENCH_FORWARD_EVERY ?? 0.1); // seconds

/**
 * Python that sets `_summary` from `_t` (reading times, ms) and `_r` (arrival times, ms):
 * latencies, and with `until` = [start, end] ms how many readings of that window arrived within it.
 */
export function latencySummary(until: string): string {
  return `
_lat = _r - _t
_until = ${until}
_in = None if _until is None else (_t >= _until[0]) & (_t <= _until[1])
_summary = {"count": int(len(_t)), "p50": float(np.percentile(_lat, 50)), "p99": float(np.percentile(_lat, 99)),
            "max": float(_lat.max()), "first_time": float(_t.min()), "last_received": float(_r.max()),
            "during": None if _until is None else [int(_in.sum()), int((_in & (_r <= _until[1])).sum())]}`;
}

/** Python: check readings first..first+count-1 are each in `name` once; their latencies and arrivals. */
export function analyse(name: string, first: number, count: number, until = 'None'): string {
  return `
import json, numpy as np
_s = ${name}._readings  # the Logger's columns; a DataFrame of millions of rows would only be slower
_n = np.array(_s.channels["n"]); _sel = (_n >= ${first}) & (_n < ${first + count})
_t = np.array(_s.time)[_sel]; _r = np.array(_s.received)[_sel] * 1000; _nn = np.sort(_n[_sel])
if len(_nn) != ${count} or not np.array_equal(_nn, np.arange(${first}, ${first + count})):
    raise RuntimeError(f"readings lost or doubled: {len(_nn)} stored, {len(np.unique(_nn))} distinct, ${count} sent")
${latencySummary(until)}
_summary["arrivals"] = None if _until is None else sorted(set(float(x - _until[0]) for x in _r[_in]))
print(json.dumps(_summary))`;
}

export const KERNEL_NAIVE = `
import comm as _comm, time as _time
bench_naive = []  # (reading time ms, n, received s) of every naive message
def _bench_naive_msg(msg):
    data = msg["content"]["data"]
    bench_naive.append((data["time"], data["values"]["n"], _time.time()))
def _bench_naive_open(c, msg):
    c.on_msg(_bench_naive_msg)
_comm.get_comm_manager().register_target("bench.naive", _bench_naive_open)`;

// How long the Logger's handler takes for each batch, and when batches arrive: where a delay comes from.
export const HANDLER_TIMES = `
bench_batches = []  # (arrival s, seconds in the handler)
_bench_handler = throughput._channel._on_message
def _bench_timed(comm, stream, msg):
    start = _time.perf_counter(); arrived = _time.time()
    _bench_handler(comm, stream, msg)
    bench_batches.append((arrived, _time.perf_counter() - start))
throughput._channel._on_message = _bench_timed  # the comm calls it through the instance`;

export const BATCH_STATS = (from: number, to: number) => `
import json
_b = [b for b in bench_batches if ${from / 1000} <= b[0] <= ${to / 1000}]
_gaps = [b[0] - a[0] for a, b in zip(_b, _b[1:])]
print(json.dumps({"batches": len(_b), "slowest_handler_ms": max(b[1] for b in _b) * 1000,
                  "handler_busy": sum(b[1] for b in _b) / max(1e-9, _b[-1][0] - _b[0][0]),
                  "largest_gap_ms": max(_gaps) * 1000}))`;

export function naiveStats(first: number, count: number, until = 'None'): string {
  return `
import json, numpy as np
_rows = np.array([r for r in bench_naive if ${first} <= r[1] < ${first + count}])
if len(_rows) != ${count} or len(set(_rows[:, 1])) != ${count}:
    raise RuntimeError(f"naive comm: {len(_rows)} messages of ${count} arrived")
_t, _r = _rows[:, 0], _rows[:, 2] * 1000
${latencySummary(until)}
print(json.dumps(_summary))`;
}

// malloc_trim: memory freed after the replay's transient messages goes back to the system,
// so the figure is what the kernel keeps, not the C heap's high-water mark.
export const KERNEL_RSS = `
import ctypes, gc, json
gc.collect(); ctypes.CDLL("libc.so.6").malloc_trim(0)
print(json.dumps(int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS:")).split()[1]) / 1024))`;

export function loggerCell(name: string, extra = '', forwardEvery = FORWARD_EVERY): string {
  return `import sensorlab
never = sensorlab.DaylightSchedule(day_every="24h", night_every="24h")
${name} = sensorlab.Logger(name="${name}", schedule=never, forward_every=${forwardEvery}${extra})
${name}`;
}

/**
 * Python with no numpy (the class site's kernel loads numpy from Pyodide's CDN, which it may not reach):
 * check readings first..first+count-1 are each in `name` once; their latencies, as `analyse` gives them.
 */
export function analysePlain(name: string, first: number, count: number): string {
  return `
import json
_s = ${name}._readings
_sel = [(int(n), t, r * 1000) for n, t, r in zip(_s.channels["n"], _s.time, _s.received) if ${first} <= n < ${first + count}]
_nn = sorted(n for n, _, _ in _sel)
if _nn != list(range(${first}, ${first + count})):
    raise RuntimeError(f"readings lost or doubled: {len(_nn)} stored, {len(set(_nn))} distinct, ${count} sent")
_lat = sorted(r - t for _, t, r in _sel)
def _percentile(q):  # numpy's default (linear between the two nearest ranks)
    k = (len(_lat) - 1) * q / 100; f = int(k); c = min(f + 1, len(_lat) - 1)
    return _lat[f] + (_lat[c] - _lat[f]) * (k - f)
print(json.dumps({"count": len(_sel), "p50": _percentile(50), "p99": _percentile(99), "max": _lat[-1],
                  "first_time": min(t for _, t, _ in _sel), "last_received": max(r for _, _, r in _sel)}))`;
}
