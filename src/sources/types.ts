import type { ISignal } from '@lumino/signaling';

/** One moment's values from one device. */
export interface IReading {
  /** When the browser received it, in epoch milliseconds. */
  time: number;
  /** Channel name → value, e.g. `{temperature: 21.5}`. */
  values: Record<string, number>;
  /** The id of the source that produced it. */
  source: string;
}

export type Transport = 'simulated' | 'serial' | 'bluetooth';

/**
 * - `stopped`: not reading, nothing to do until the user starts it;
 * - `connecting`: opening the device;
 * - `connected`: readings flow;
 * - `waiting`: the device went away; it is used again as soon as it comes back.
 */
export type SourceState = 'stopped' | 'connecting' | 'connected' | 'waiting';

/** What every transport offers the hub. */
export interface ISource {
  readonly id: string;
  readonly transport: Transport;
  /** A name for people, e.g. "Simulated classroom". */
  readonly label: string;
  readonly state: SourceState;
  /** Channel name → unit, for display. */
  readonly units: Readonly<Record<string, string>>;
  readonly stateChanged: ISignal<ISource, SourceState>;
  readonly readingReceived: ISignal<ISource, IReading>;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): void;
}
