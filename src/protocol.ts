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

/** Kernel → browser on the readings comm. */
export type KernelMessage =
  | { type: 'hello'; logger: string }
  | { type: 'ack'; seq: number }
  | { type: 'refused'; seq: number | null; reason: string };

/** Browser → kernel on the Logger widget's own comm. */
export type WidgetMessage = { type: 'post_now' };

export function openData(logger: string, stream: string): IOpenData {
  return { protocol: PROTOCOL_VERSION, logger, stream };
}

export function batchMessage(seq: number, readings: IReading[]): IBatchMessage {
  return { type: 'batch', seq, readings };
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
