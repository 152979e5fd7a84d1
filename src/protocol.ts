/**
 * The messages between the browser and the kernel: the browser side's one table.
 *
 * The kernel side's table is `python_shim/sensorlab/protocol.py`; both are tested
 * against the shared examples in `test/fixtures/protocol`.
 */
import type { IReading } from './sources/types';

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
}

/** Browser → kernel on the readings comm: how `logger.send(line)` went. */
export interface ISendResultMessage {
  type: 'send_result';
  id: number;
  /** Why the line could not be sent, or null when it was. */
  error: string | null;
}

export type BrowserMessage = IBatchMessage | ISendResultMessage;

/** Kernel → browser on the readings comm. */
export type KernelMessage =
  | { type: 'hello'; logger: string }
  | { type: 'ack'; seq: number }
  | { type: 'refused'; seq: number | null; reason: string };

/** Kernel → browser on the Logger widget's comm: write a line to the device (`logger.send`). */
export interface ISendLineMessage {
  type: 'send_line';
  id: number;
  line: string;
}

/** Browser → kernel on the Logger widget's own comm. */
export type WidgetMessage = { type: 'post_now' };

/** A `send_line` message from the widget's comm, or null when `data` is not one. */
export function parseSendLine(data: unknown): ISendLineMessage | null {
  const msg = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  return msg.type === 'send_line' && isSeq(msg.id) && typeof msg.line === 'string'
    ? { type: 'send_line', id: msg.id, line: msg.line }
    : null;
}

export function openData(logger: string, stream: string): IOpenData {
  return { protocol: PROTOCOL_VERSION, logger, stream };
}

export function batchMessage(seq: number, readings: IReading[]): IBatchMessage {
  return { type: 'batch', seq, readings };
}

export function sendResultMessage(id: number, error: string | null): ISendResultMessage {
  return { type: 'send_result', id, error };
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A kernel message, or null when `data` is not one this browser understands. */
export function parseKernelMessage(data: unknown): KernelMessage | null {
  if (typeof data !== 'object' || data === null) {
    return null;
  }
  const msg = data as Record<string, unknown>;
  switch (msg.type) {
    case 'hello':
      return typeof msg.logger === 'string'
        ? { type: 'hello', logger: msg.logger }
        : null;
    case 'ack':
      return isSeq(msg.seq) ? { type: 'ack', seq: msg.seq } : null;
    case 'refused':
      return (msg.seq === null || isSeq(msg.seq)) &&
        typeof msg.reason === 'string'
        ? { type: 'refused', seq: msg.seq, reason: msg.reason }
        : null;
    default:
      return null;
  }
}
