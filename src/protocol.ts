// The messages between the browser and the kernel: the browser side's one table.
/*
 * The kernel side's table is `python_shim/sensorlab/protocol.py`; both are tested
 * against the shared examples in `test/fixtures/protocol`.
 */
import { deviceName, MAX_DEVICE_NAME_LENGTH } from './sources/formats/values';
import type { IReading } from './sources/types';

export { deviceName, MAX_DEVICE_NAME_LENGTH };

export const PROTOCOL_VERSION = 1;
export const READINGS_TARGET = 'sensorlab.readings';

/** Sent as the data of the readings comm's open message. */
export interface IOpenData {
  protocol: number;
  logger: string;
  stream: string;
}

/** Browser → kernel on the readings comm. */
export interface IBatchMessage {
  type: 'batch';
  seq: number;
  readings: IReading[];
  /** The stream the batch belongs to when not the comm's own (a batch an earlier page left). */
  stream?: string;
}

/** Browser → kernel on the readings comm: how a device request went. */
export interface IDeviceResultMessage {
  type: 'device_result';
  id: number;
  /** Why the device could not do it, or null when it did. */
  error: string | null;
  /** What the device answered (the period a micro:bit chose), or null. */
  value: number | null;
}

export type BrowserMessage = IBatchMessage | IDeviceResultMessage;

/** Kernel → browser on the readings comm. */
export type KernelMessage =
  | { type: 'hello'; logger: string }
  | { type: 'ack'; seq: number; stream?: string }
  | { type: 'refused'; seq: number | null; reason: string; stream?: string }
  /** The batch is fine but the kernel could not store it (a locked or full disk): send it again later. */
  | { type: 'not_stored'; seq: number; reason: string; stream?: string };

/**
 * Kernel → browser on the Logger widget's comm: `logger.send(line)` and
 * `logger.set_period(ms)`. The answer goes back on the readings comm, which the
 * kernel serves while the asking cell waits.
 */
export type DeviceRequest =
  | { type: 'device_request'; id: number; action: 'send_line'; line: string }
  | { type: 'device_request'; id: number; action: 'set_period'; ms: number };

/** Kernel → browser on the Logger widget's comm: readings made in Python (`logger.record`), for the chart. */
export interface IRecordedMessage {
  type: 'recorded';
  readings: IReading[];
}

/** Browser → kernel on the Logger widget's own comm. */
export type WidgetMessage =
  { type: 'post_now' } | { type: 'note'; text: string } | { type: 'export' } | { type: 'alive' };

/**
 * How often an open page tells the kernel it is there: the kernel writes "no readings since" rows
 * only for a page it heard from lately, so a tab closed while its kernel runs on posts nothing.
 */
export const ALIVE_EVERY_MS = 20_000;

/** A device request from the widget's comm, or null when `data` is not one. */
export function parseDeviceRequest(data: unknown): DeviceRequest | null {
  const msg = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (msg.type !== 'device_request' || !isSeq(msg.id)) {
    return null;
  }
  if (msg.action === 'send_line' && typeof msg.line === 'string') {
    return { type: 'device_request', id: msg.id, action: 'send_line', line: msg.line };
  }
  if (msg.action === 'set_period' && isSeq(msg.ms)) {
    return { type: 'device_request', id: msg.id, action: 'set_period', ms: msg.ms };
  }
  return null;
}

export function openData(logger: string, stream: string): IOpenData {
  return { protocol: PROTOCOL_VERSION, logger, stream };
}

export function batchMessage(seq: number, readings: IReading[]): IBatchMessage {
  return { type: 'batch', seq, readings };
}

export function deviceResultMessage(
  id: number,
  error: string | null,
  value: number | null = null
): IDeviceResultMessage {
  return { type: 'device_result', id, error, value };
}

/** A kernel's readings made in Python, or null when `data` is not such a message; unusable readings are left out. */
export function parseRecorded(data: unknown): IRecordedMessage | null {
  const msg = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (msg.type !== 'recorded' || !Array.isArray(msg.readings)) {
    return null;
  }
  return { type: 'recorded', readings: msg.readings.map(asReading).filter(r => r !== null) };
}

function asReading(item: unknown): IReading | null {
  const r = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const values = (typeof r.values === 'object' && r.values !== null ? r.values : null) as Record<
    string,
    unknown
  > | null;
  if (
    typeof r.time !== 'number' ||
    typeof r.source !== 'string' ||
    values === null ||
    !Object.values(values).every(v => typeof v === 'number' && Number.isFinite(v))
  ) {
    return null;
  }
  const device = deviceName(r.device);
  return { time: r.time, values: values as Record<string, number>, source: r.source, ...(device ? { device } : {}) };
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function optionalText(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function streamOf(msg: Record<string, unknown>): { stream?: string } {
  return typeof msg.stream === 'string' ? { stream: msg.stream } : {};
}

/** A kernel message, or null when `data` is not one this browser understands. */
export function parseKernelMessage(data: unknown): KernelMessage | null {
  if (typeof data !== 'object' || data === null) {
    return null;
  }
  const msg = data as Record<string, unknown>;
  switch (msg.type) {
    case 'hello':
      return typeof msg.logger === 'string' ? { type: 'hello', logger: msg.logger } : null;
    case 'ack':
      return isSeq(msg.seq) && optionalText(msg.stream) ? { type: 'ack', seq: msg.seq, ...streamOf(msg) } : null;
    case 'refused':
      return (msg.seq === null || isSeq(msg.seq)) && typeof msg.reason === 'string' && optionalText(msg.stream)
        ? { type: 'refused', seq: msg.seq, reason: msg.reason, ...streamOf(msg) }
        : null;
    case 'not_stored':
      return isSeq(msg.seq) && typeof msg.reason === 'string' && optionalText(msg.stream)
        ? { type: 'not_stored', seq: msg.seq, reason: msg.reason, ...streamOf(msg) }
        : null;
    default:
      return null;
  }
}
