// Item 1: line parsing in Node. Feeds synthetic board output (Serial Plotter, CSV and JSON
// lines) in 255-byte chunks (Web Serial's default buffer) through the shipped
// LineFramer + LineParser (lib/sources/lines.js, built by `make build`), and through a
// naive split-per-line parser, and prints one JSON object with lines/s and CPU cost.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = 200_000; // per format and pass
const CHUNK = 255;
const PASSES = 5;

// lib/ is ES module code under a package that is not "type": "module": import a copy as .mjs.
const tmp = mkdtempSync(join(tmpdir(), 'sensorlab-bench-'));
copyFileSync(join(ROOT, 'lib/sources/lines.js'), join(tmp, 'lines.mjs'));
const { LineFramer, LineParser } = await import(pathToFileURL(join(tmp, 'lines.mjs')).href);
rmSync(tmp, { recursive: true });

function synthetic(format) {
  const lines = [];
  if (format === 'csv') {
    lines.push('temperature,humidity,light');
  }
  for (let i = 0; i < LINES; i++) {
    const t = (20 + Math.sin(i / 500) * 3).toFixed(2);
    const h = (40 + Math.cos(i / 700) * 5).toFixed(2);
    const l = String(100 + (i % 400));
    if (format === 'plotter') {
      lines.push(`temperature:${t} humidity:${h} light:${l}`);
    } else if (format === 'csv') {
      lines.push(`${t},${h},${l}`);
    } else {
      lines.push(`{"temperature": ${t}, "humidity": ${h}, "light": ${l}}`);
    }
  }
  // The first line after connecting may be partial; sensorlab drops it: start with a blank one.
  const bytes = new TextEncoder().encode('\r\n' + lines.join('\r\n') + '\r\n');
  const chunks = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    chunks.push(bytes.subarray(i, i + CHUNK));
  }
  return { bytes: bytes.length, chunks, lines: lines.length };
}

function sensorlab(format, chunks) {
  const framer = new LineFramer();
  const parser = new LineParser({ format });
  let readings = 0;
  let bad = 0;
  for (const chunk of chunks) {
    const out = framer.push(chunk);
    bad += out.bad.length;
    for (const line of out.lines) {
      const result = parser.parse(line);
      bad += result.bad.length;
      if (result.values) {
        readings++;
      }
    }
  }
  return { readings, bad };
}

// The naive way: decode, split on '\n', one split or JSON.parse per line, no checks.
function naive(format, chunks) {
  const decoder = new TextDecoder();
  let rest = '';
  let header = null;
  let readings = 0;
  for (const chunk of chunks) {
    const parts = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = parts.pop();
    for (const raw of parts) {
      const line = raw.trim();
      if (!line) {
        continue;
      }
      const values = {};
      if (format === 'json') {
        Object.assign(values, JSON.parse(line));
      } else if (format === 'csv') {
        const fields = line.split(',');
        if (!header) {
          header = fields;
          continue;
        }
        fields.forEach((f, i) => (values[header[i]] = parseFloat(f)));
      } else {
        for (const part of line.split(/[ \t,]+/)) {
          const [label, value] = part.split(':');
          values[label] = parseFloat(value);
        }
      }
      readings++;
    }
  }
  return { readings, bad: 0 };
}

function cpuSeconds(fn) {
  const before = process.cpuUsage();
  const result = fn();
  const used = process.cpuUsage(before);
  return { result, seconds: (used.user + used.system) / 1e6 };
}

function measure(parse, format, data) {
  parse(format, data.chunks); // warm-up: let the JIT compile it
  const times = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const { result, seconds } = cpuSeconds(() => parse(format, data.chunks));
    const expected = format === 'csv' ? data.lines - 1 : data.lines;
    if (result.readings !== expected || result.bad !== 0) {
      throw new Error(
        `${parse.name} ${format}: ${result.readings} readings and ${result.bad} bad lines, expected ${expected} and 0`
      );
    }
    times.push(seconds);
  }
  times.sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)]; // the median pass
  const bytesPerCpuSecond = data.bytes / seconds;
  return {
    linesPerSecond: data.lines / seconds,
    bytesPerCpuSecond,
    // 1 Mbaud with 8N1 framing carries 100,000 bytes/s; USB full speed about 1 MB/s.
    coreShare1Mbaud: 100_000 / bytesPerCpuSecond,
    coreShareUsbFull: 1_000_000 / bytesPerCpuSecond
  };
}

const results = {};
for (const format of ['plotter', 'csv', 'json']) {
  const data = synthetic(format);
  results[format] = {
    bytesPerLine: data.bytes / data.lines,
    sensorlab: measure(sensorlab, format, data),
    naive: measure(naive, format, data)
  };
}
console.log(
  JSON.stringify({ node: process.version, chunkBytes: CHUNK, linesPerFormat: LINES, passes: PASSES, results })
);
