// Item 1: line parsing in Node. Feeds synthetic board output, one stream per line format
// sensorlab reads, in 255-byte chunks (Web Serial's default buffer) through the shipped
// LineFramer + LineParser (lib/sources/lines.js and the files it imports, built by
// `npm run build:lib`), and through a naive split-per-line parser of the same format, and
// prints one JSON object with lines/s, microseconds per line and CPU cost for each.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LINES = 200_000; // per format and pass
const CHUNK = 255;
const PASSES = 5;

// lib/ is ES module code with extensionless imports under a package that is not
// "type": "module": import a copy of lib/sources as .mjs files with the extensions added.
const tmp = mkdtempSync(join(tmpdir(), 'sensorlab-bench-'));
for (const folder of ['', 'formats']) {
  mkdirSync(join(tmp, folder), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'lib/sources', folder)).filter(file => file.endsWith('.js'))) {
    const code = readFileSync(join(ROOT, 'lib/sources', folder, name), 'utf8');
    writeFileSync(
      join(tmp, folder, name.replace(/\.js$/, '.mjs')),
      code.replace(/(from '\.{1,2}\/[^']+)'/g, "$1.mjs'")
    );
  }
}
const { LineFramer, LineParser } = await import(pathToFileURL(join(tmp, 'lines.mjs')).href);
rmSync(tmp, { recursive: true });

/** One line of each format for reading i, as the boards that print it write it. */
const PRINTERS = {
  plotter: (t, h, l) => `temperature:${t} humidity:${h} light:${l}`,
  labels: (t, h, l) => `temperature: ${t} humidity: ${h} light: ${l}`,
  tuple: (t, h, l) => `(${t}, ${h}, ${l})`,
  radio: (t, h, l, i) => `{"t":${i},"s":1923449,"n":"temperature","v":${t}}`,
  semicolon: (t, h, l) => `${t.replace('.', ',')};${h.replace('.', ',')};${l}`,
  keyvalue: (t, h, l) => `temperature=${t} humidity=${h} light=${l}`,
  csv: (t, h, l) => `${t},${h},${l}`,
  json: (t, h, l) => `{"temperature": ${t}, "humidity": ${h}, "light": ${l}}`
};
const HEADERS = { csv: 'temperature,humidity,light', semicolon: 'temperature;humidity;light' };

function synthetic(format) {
  const lines = [];
  if (HEADERS[format]) {
    lines.push(HEADERS[format]);
  }
  for (let i = 0; i < LINES; i++) {
    const t = (20 + Math.sin(i / 500) * 3).toFixed(2);
    const h = (40 + Math.cos(i / 700) * 5).toFixed(2);
    const l = String(100 + (i % 400));
    lines.push(PRINTERS[format](t, h, l, i));
  }
  // The first line after connecting may be partial; sensorlab drops it: start with a blank one.
  const bytes = new TextEncoder().encode('\r\n' + lines.join('\r\n') + '\r\n');
  const chunks = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    chunks.push(bytes.subarray(i, i + CHUNK));
  }
  return { bytes: bytes.length, chunks, lines: lines.length, readings: LINES };
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

/** Naive readers, one per format: no checks, no limits, no names for what is missing. */
const NAIVE = {
  plotter(line, values) {
    for (const part of line.split(/[ \t,]+/)) {
      const [label, value] = part.split(':');
      values[label] = parseFloat(value);
    }
  },
  labels(line, values) {
    for (const [, label, value] of line.matchAll(/(\S+):\s+(\S+)/g)) {
      values[label] = parseFloat(value);
    }
  },
  tuple(line, values) {
    JSON.parse(`[${line.slice(1, -1)}]`).forEach((value, i) => (values[`value ${i + 1}`] = value));
  },
  radio(line, values) {
    const packet = JSON.parse(line);
    values[packet.n] = packet.v;
  },
  keyvalue(line, values) {
    for (const part of line.split(/[ ,;]+/)) {
      const [key, value] = part.split('=');
      values[key] = parseFloat(value);
    }
  },
  json(line, values) {
    Object.assign(values, JSON.parse(line));
  }
};
/** Formats with a header line, and how a field is read. */
const NAIVE_DELIMITED = {
  csv: { separator: ',', number: field => parseFloat(field) },
  semicolon: { separator: ';', number: field => parseFloat(field.replace(',', '.')) }
};

// The naive way: decode, split on '\n', one split or JSON.parse per line, no checks.
function naive(format, chunks) {
  const decoder = new TextDecoder();
  const delimited = NAIVE_DELIMITED[format];
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
      if (delimited) {
        const fields = line.split(delimited.separator);
        if (!header) {
          header = fields;
          continue;
        }
        fields.forEach((f, i) => (values[header[i]] = delimited.number(f)));
      } else {
        NAIVE[format](line, values);
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
    if (result.readings !== data.readings || result.bad !== 0) {
      throw new Error(
        `${parse.name} ${format}: ${result.readings} readings and ${result.bad} bad lines, expected ${data.readings} and 0`
      );
    }
    times.push(seconds);
  }
  times.sort((a, b) => a - b);
  const seconds = times[Math.floor(times.length / 2)]; // the median pass
  const bytesPerCpuSecond = data.bytes / seconds;
  return {
    linesPerSecond: data.lines / seconds,
    microsecondsPerLine: (seconds / data.lines) * 1e6,
    bytesPerCpuSecond,
    // 1 Mbaud with 8N1 framing carries 100,000 bytes/s; USB full speed about 1 MB/s.
    coreShare1Mbaud: 100_000 / bytesPerCpuSecond,
    coreShareUsbFull: 1_000_000 / bytesPerCpuSecond
  };
}

const results = {};
for (const format of Object.keys(PRINTERS)) {
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
