// The shapes every source shares: a reading, a source, its state and health.
import type { ISignal } from '@lumino/signaling';

/** One moment's values from one device. */
export interface IReading {
  /** When the browser received it, in epoch milliseconds. */
  time: number;
  /** Channel name → value, e.g. `{temperature: 21.5}`. */
  values: Record<string, number>;
  /** The id of the device that produced it: a source's id, or `microbit-<serial number>` for a micro:bit heard through a radio gateway. */
  source: string;
  /** The device's name for people, when it has one (it sent one, or the user gave one), at most 64 characters. */
  device?: string;
}

export type Transport = 'simulated' | 'serial' | 'bluetooth' | 'simulated-class' | 'notebook';

/**
 * - `stopped`: not reading, nothing to do until the user starts it;
 * - `connecting`: opening the device;
 * - `connected`: readings flow;
 * - `waiting`: the device went away; it is used again as soon as it comes back.
 */
export type SourceState = 'stopped' | 'connecting' | 'connected' | 'waiting';

/** Something a device sent that could not be read. */
export interface IBadInput {
  time: number;
  reason: string;
  text: string;
}

/** How well a source reads its device: counts, and the last few problems. */
export interface ISourceHealth {
  lines: number;
  readings: number;
  badLines: number;
  badValues: number;
  /** The most recent problems, newest last (at most RECENT_PROBLEMS). */
  recent: IBadInput[];
}

export const RECENT_PROBLEMS = 20;

/** What every transport offers the hub. */
export interface ISource {
  readonly id: string;
  readonly transport: Transport;
  /** A name for people, e.g. "Simulated classroom". */
  readonly label: string;
  /** The name the device itself gave (a Bluetooth sensor's), or '' when it gave none. */
  readonly deviceName?: string;
  readonly state: SourceState;
  /** What went wrong last, in words a student can act on, or ''. */
  readonly problem: string;
  /** Channel name → unit, for display. */
  readonly units: Readonly<Record<string, string>>;
  readonly health: ISourceHealth;
  /** Emitted on a change of state, label or problem. */
  readonly stateChanged: ISignal<ISource, SourceState>;
  readonly readingReceived: ISignal<ISource, IReading>;
  /** Emitted when the counts or problems change, at most a few times a second. */
  readonly healthChanged: ISignal<ISource, ISourceHealth>;
  /** Start reading. For USB and Bluetooth, call it straight from a click: the browser's chooser needs one. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Write a line to the device; rejects with a message when it cannot. */
  send(line: string): Promise<void>;
  dispose(): void;
}
