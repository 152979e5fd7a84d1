// The teacher's view of a class, from its sheet alone: whose each row is, one line per logger and device,
// its state, and the chart's series. The rules are issue 24's spec, shared with the kernel's
// python_shim/sensorlab/classview.py through test/fixtures/classview. No DOM and no words: the views say it.
import { csvRows, EVERY, RESERVED, ROW_ID, TIME_ZONE, unneutralised } from '../sheet';

/** Reads a sheet's CSV text by its name; null for a sheet nobody wrote. */
export type SheetReader = (sheet: string) => Promise<string | null>;

/** A line's state, from the age of its last row against its own interval. */
export type LineState = 'silent' | 'late' | 'no readings' | 'on time';

/** The states in the order the view shows them: those needing attention first. */
export const STATES: readonly LineState[] = ['silent', 'late', 'no readings', 'on time'];

/** One logger and device of the class, as the kernel's ClassView shares it (times in epoch ms). */
export interface IClassLine {
  label: string;
  device: string;
  state: LineState;
  last_row: number;
  interval_s: number;
  /** The values of its latest row that has any. */
  values: Record<string, number>;
  values_at: number | null;
}

/** One line's points for the chart's channel, oldest first. */
export interface IClassSeries {
  label: string;
  device: string;
  times: number[];
  values: number[];
}

/** A row of the class view: whose it is, when it was written, what it says. */
export interface IClassRow {
  label: string;
  device: string;
  time: number;
  /** Its `every (min)`, when the cell is a number. */
  every: number | null;
  values: Record<string, number>;
}

/** The interval of a line whose rows say nothing of it: the default day interval. */
export const DEFAULT_INTERVAL_S = 900;

/** A line's interval is the median gap between at most this many of its latest instants. */
const INSTANTS_FOR_INTERVAL = 7;

/** The columns that are not values. */
const NOT_VALUES = new Set([...RESERVED, '']);

/** A sheet's header and rows, cells as written (the 2026 server's `'` taken off). */
interface ITable {
  header: string[];
  rows: string[][];
}

/** A sheet's table, or null when it has no rows: missing, empty or only a header. */
function table(text: string | null): ITable | null {
  if (text === null) {
    return null;
  }
  const [header = [], ...rows] = csvRows(text).map(row => row.map(unneutralised));
  const filled = rows.filter(row => row.some(cell => cell !== ''));
  return filled.length > 0 ? { header, rows: filled } : null;
}

/** "21.5", "-3", "1e3": a finite decimal number; anything else is text. */
export function numberCell(cell: string): number | null {
  const text = cell.trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : null;
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;
const ZONE = /^UTC([+-])(\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** How far zone `zone`'s clocks are ahead of UTC at instant `time`, in ms. */
function zoneOffset(time: number, zone: string): number {
  let format = zoneFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    });
    zoneFormats.set(zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(time).map(({ type, value }) => [type, Number(value)]));
  const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute, part.second);
  return wall - Math.floor(time / 1000) * 1000;
}

/**
 * The instant a wall clock reading `wall` (its fields read as UTC) names in zone `zone`. In the hour
 * that repeats in autumn, the first one; in the hour skipped in spring, read with the offset before
 * the change (as Python's fold=0 and JavaScript's Date do).
 */
function wallClockIn(wall: number, zone: string): number {
  const before = zoneOffset(wall - DAY_MS, zone);
  const after = zoneOffset(wall + DAY_MS, zone);
  const fits = [before, after].find(offset => zoneOffset(wall - offset, zone) === offset);
  return wall - (fits ?? before);
}

/**
 * A row's instant in epoch ms: `time` as `YYYY-MM-DD HH:MM:SS` (or with a `T`, or without seconds) on the
 * clock of `zone` (`UTC+01:00`); without a readable zone, on the reader's: `localZone` (IANA), else the
 * browser's. Null when `time` is not such a time.
 */
export function rowInstant(time: string, zone: string, localZone?: string): number | null {
  const match = TIME.exec(time.trim());
  if (!match) {
    return null;
  }
  const [year, month, day, hour, minute, second] = match.slice(1).map(part => Number(part ?? 0));
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(wall).getUTCDate() !== day || month > 12 || hour > 23 || minute > 59 || second > 59) {
    return null; // 2026-02-30, 24:00...
  }
  const offset = ZONE.exec(zone.trim());
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3]);
    return wall - (offset[1] === '-' ? -minutes : minutes) * 60_000;
  }
  return localZone ? wallClockIn(wall, localZone) : new Date(year, month - 1, day, hour, minute, second).getTime();
}

/** "group 2" before "group 10": runs of digits compared as numbers, other text by its characters. */
export function naturalCompare(a: string, b: string): number {
  const pieces = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const left = pieces(a);
  const right = pieces(b);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const [x, y] = [left[i], right[i]];
    if (x === y) {
      continue;
    }
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const [p, q] = [x.replace(/^0+(?=\d)/, ''), y.replace(/^0+(?=\d)/, '')];
      if (p.length !== q.length) {
        return p.length - q.length;
      }
      if (p !== q) {
        return p < q ? -1 : 1;
      }
      continue; // "07" and "7": the same number
    }
    return x < y ? -1 : 1;
  }
  return left.length !== right.length ? left.length - right.length : a < b ? -1 : a > b ? 1 : 0;
}

/** The rows of the class view, in reading order: each row id once, pointer rows and persons' rows left out. */
export function classRows(tables: ReadonlyArray<ITable>, localZone?: string): IClassRow[] {
  const seen = new Set<string>();
  const rows: IClassRow[] = [];
  for (const { header, rows: cells } of tables) {
    const column = (name: string) => header.indexOf(name);
    const [time, zone, group, device, every, sheet, id] = [
      'time',
      TIME_ZONE,
      'group',
      'device',
      EVERY,
      'sheet',
      ROW_ID
    ].map(column);
    const valueColumns = header.map((name, i) => [name, i] as const).filter(([name]) => !NOT_VALUES.has(name));
    for (const row of cells) {
      const cell = (i: number) => (i < 0 ? '' : (row[i] ?? ''));
      const rowId = cell(id);
      if (cell(sheet) !== '' || rowId === '' || seen.has(rowId)) {
        continue;
      }
      seen.add(rowId);
      const instant = rowInstant(cell(time), cell(zone), localZone);
      const key = rowId.includes('-') ? rowId.slice(0, rowId.indexOf('-')) : null;
      const label = cell(group) || (key === null ? '' : `logger ${key.slice(0, 6)}`);
      if (instant === null || label === '') {
        continue;
      }
      const values: Record<string, number> = {};
      for (const [name, i] of valueColumns) {
        const value = numberCell(cell(i));
        if (value !== null && !(name in values)) {
          values[name] = value;
        }
      }
      rows.push({ label, device: cell(device), time: instant, every: numberCell(cell(every)), values });
    }
  }
  return rows;
}

/** The sheet names a class sheet's pointer rows name, in first-seen order. */
function pointedSheets(tables: ReadonlyArray<ITable>): string[] {
  const names: string[] = [];
  for (const { header, rows } of tables) {
    const column = header.indexOf('sheet');
    for (const row of column < 0 ? [] : rows) {
      const name = row[column] ?? '';
      if (name !== '' && !names.includes(name)) {
        names.push(name);
      }
    }
  }
  return names;
}

/** The median of numbers (the mean of the middle two for an even count). */
function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** What a line's rows say, before the clock gives it a state. */
interface ILineFacts {
  label: string;
  device: string;
  lastRow: number;
  lastHasValues: boolean;
  intervalS: number;
  values: Record<string, number>;
  valuesAt: number | null;
  rows: IClassRow[];
}

/** The latest of `rows` by time, the later in reading order on a tie. */
function latest(rows: IClassRow[]): IClassRow | undefined {
  return rows.reduce<IClassRow | undefined>((best, row) => (!best || row.time >= best.time ? row : best), undefined);
}

function lineFacts(rows: IClassRow[]): ILineFacts {
  const last = latest(rows)!;
  const withValues = latest(rows.filter(row => Object.keys(row.values).length > 0));
  let intervalS = DEFAULT_INTERVAL_S;
  if (last.every !== null && last.every > 0) {
    intervalS = last.every * 60;
  } else {
    const instants = [...new Set(rows.map(row => row.time))].sort((a, b) => a - b).slice(-INSTANTS_FOR_INTERVAL);
    if (instants.length >= 2) {
      intervalS = median(instants.slice(1).map((time, i) => (time - instants[i]) / 1000));
    }
  }
  return {
    label: last.label,
    device: last.device,
    lastRow: last.time,
    lastHasValues: Object.keys(last.values).length > 0,
    intervalS,
    values: withValues?.values ?? {},
    valuesAt: withValues?.time ?? null,
    rows
  };
}

/** A line's state at `now`: silent past six of its intervals, late past two, else what its last row says. */
function stateAt(line: ILineFacts, now: number): LineState {
  const age = now - line.lastRow;
  if (age > 6 * line.intervalS * 1000) {
    return 'silent';
  }
  if (age > 2 * line.intervalS * 1000) {
    return 'late';
  }
  return line.lastHasValues ? 'on time' : 'no readings';
}

/** By label, then device, in natural order. */
function byName(a: { label: string; device: string }, b: { label: string; device: string }): number {
  return naturalCompare(a.label, b.label) || naturalCompare(a.device, b.device);
}

/** One read of a class: its rows, and the lines, channels and series they make. */
export class ClassData {
  constructor(
    readonly rows: ReadonlyArray<IClassRow>,
    /** The sheets that held rows, in reading order. */
    readonly sheetsRead: ReadonlyArray<string> = []
  ) {
    const lines = new Map<string, IClassRow[]>();
    for (const row of rows) {
      const key = `${row.label}\u0000${row.device}`;
      const line = lines.get(key);
      if (line) {
        line.push(row);
      } else {
        lines.set(key, [row]);
      }
    }
    this._lines = [...lines.values()].map(lineFacts).sort(byName);
    const channels = new Set(rows.flatMap(row => Object.keys(row.values)));
    this.channels = [...channels].sort(naturalCompare);
  }

  /** The value columns with a number in at least one row, in natural order. */
  readonly channels: ReadonlyArray<string>;

  /** The channel the chart shows first: temperature when there is one. */
  get channel(): string {
    return this.channels.includes('temperature') ? 'temperature' : (this.channels[0] ?? '');
  }

  /** Every line with its state at `now`, those needing attention first. */
  lines(now: number): IClassLine[] {
    return this._lines
      .map(line => ({
        label: line.label,
        device: line.device,
        state: stateAt(line, now),
        last_row: line.lastRow,
        interval_s: line.intervalS,
        values: line.values,
        values_at: line.valuesAt
      }))
      .sort((a, b) => STATES.indexOf(a.state) - STATES.indexOf(b.state) || byName(a, b));
  }

  /** Each line's points of `channel`, lines by name. */
  series(channel: string): IClassSeries[] {
    return this._lines.map(({ label, device, rows }) => {
      const points = rows.filter(row => channel in row.values).sort((a, b) => a.time - b.time);
      return { label, device, times: points.map(row => row.time), values: points.map(row => row.values[channel]) };
    });
  }

  private _lines: ILineFacts[];
}

/**
 * Reads a class: its sheet and continuations (`-2`, `-3`… until one has no rows), then each device
 * sheet its pointer rows name, and its continuations. A part followed by another is full and never
 * changes: it is kept, so a refresh reads only the last part of each and the probe of the next.
 */
export class ClassReader {
  constructor(
    private readonly _read: SheetReader,
    /** The zone (IANA) of rows without a `time zone`; the browser's when not given. */
    private readonly _localZone?: string
  ) {}

  async read(classSheet: string): Promise<ClassData> {
    const sheetsRead: string[] = [];
    const tables = await this._parts(classSheet, sheetsRead);
    for (const name of pointedSheets(tables)) {
      if (!sheetsRead.includes(name)) {
        tables.push(...(await this._parts(name, sheetsRead)));
      }
    }
    return new ClassData(classRows(tables, this._localZone), sheetsRead);
  }

  private async _parts(name: string, sheetsRead: string[]): Promise<ITable[]> {
    const parts: ITable[] = [];
    for (let n = 1, previous = ''; ; n++) {
      const part = n === 1 ? name : `${name}-${n}`;
      const read = this._full.get(part) ?? table(await this._read(part));
      if (!read) {
        return parts;
      }
      if (previous) {
        this._full.set(previous, parts[parts.length - 1]);
      }
      parts.push(read);
      sheetsRead.push(part);
      previous = part;
    }
  }

  private _full = new Map<string, ITable>();
}

/** How long between reads: the chosen refresh, never shorter than the shortest interval of the lines on time. */
export function refreshPeriod(chosenMs: number, lines: ReadonlyArray<IClassLine>): number {
  const intervals = lines.filter(line => line.state === 'on time').map(line => line.interval_s * 1000);
  return intervals.length > 0 ? Math.max(chosenMs, Math.min(...intervals)) : chosenMs;
}

/** What both class views show, from the kernel's ClassView traits or the sidebar's own reads (times in epoch ms). */
export interface IClassView {
  /** In order: those needing attention first. */
  lines: IClassLine[];
  channels: string[];
  /** The channel of `series`. */
  channel: string;
  series: IClassSeries[];
  /** The last successful read, and the next one. */
  read_at: number | null;
  next_read: number | null;
  /** Why the last read failed, or that the server asked to read less often, in words; '' when all is well. */
  problem: string;
}
