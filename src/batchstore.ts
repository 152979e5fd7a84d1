// The browser's durable store of batches not yet acked by the kernel (IndexedDB), so a reload loses nothing.
import { ISignal, Signal } from '@lumino/signaling';
import { trans } from './i18n';
import type { IReading } from './sources/types';

/** A batch the browser holds until the kernel acks it, with the stream it belongs to. */
export interface IHeldBatch {
  stream: string;
  seq: number;
  readings: IReading[];
}

/** The key of a logger's held batches: its notebook and its name, so a new kernel of the notebook finds them. */
export function heldKey(notebook: string, logger: string): string {
  return JSON.stringify([notebook, logger]);
}

/**
 * Where a forwarder keeps what the kernel has not acked, so a page reload loses
 * nothing: the next page finds the batches and sends them.
 */
export interface IBatchStore {
  /** Batches left by earlier pages for this logger. */
  load(): Promise<IHeldBatch[]>;
  /** Keep (or replace) a batch. */
  put(batch: IHeldBatch): void;
  remove(stream: string, seq: number): void;
  /** What keeps the store from working, in words ('' once it works again). */
  readonly problemChanged?: ISignal<IBatchStore, string>;
}

/** What the store failing means to a student, and what to do. */
function storeProblem(): string {
  return trans.__(
    'The browser cannot keep the readings on their way across a reload (its storage is full or switched off): keep this page open until they reach the notebook.'
  );
}

const DB_NAME = 'sensorlab';
const STORE = 'held-batches';

let opening: Promise<IDBDatabase> | null = null;

function database(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: ['key', 'stream', 'seq'] });
      store.createIndex('key', 'key');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

function done(request: IDBRequest): Promise<any> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The browser's IndexedDB, one key per logger of one notebook (see `heldKey`). */
export class IndexedDBBatchStore implements IBatchStore {
  constructor(readonly key: string) {}

  get problemChanged(): ISignal<this, string> {
    return this._problemChanged;
  }

  async load(): Promise<IHeldBatch[]> {
    try {
      const db = await database();
      const store = db.transaction(STORE, 'readwrite').objectStore(STORE);
      await this._adoptKernelKeyed(store);
      const found = await done(store.index('key').getAll(this.key));
      this._report(null);
      return (found as (IHeldBatch & { key: string })[]).map(({ stream, seq, readings }) => ({
        stream,
        seq,
        readings
      }));
    } catch (error) {
      this._report(error);
      return [];
    }
  }

  /**
   * Earlier versions kept batches under `<kernel id>/<logger>`, which no later page asks for:
   * the first page with a logger of that name takes them over (same name, so the same sheet
   * as a rule), so they are sent and deleted rather than kept for ever.
   */
  private async _adoptKernelKeyed(store: IDBObjectStore): Promise<void> {
    if (!this.key.startsWith('[')) {
      return; // not a key of heldKey's
    }
    const [, logger] = JSON.parse(this.key) as [string, string];
    const keys: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const cursor = store.index('key').openKeyCursor(null, 'nextunique');
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (!at) {
          return resolve();
        }
        const key = at.key as string;
        if (!key.startsWith('[') && key.endsWith(`/${logger}`)) {
          keys.push(key);
        }
        at.continue();
      };
      cursor.onerror = () => reject(cursor.error);
    });
    for (const key of keys) {
      for (const record of (await done(store.index('key').getAll(key))) as (IHeldBatch & { key: string })[]) {
        await done(store.delete([key, record.stream, record.seq]));
        await done(store.put({ ...record, key: this.key }));
      }
    }
  }

  put(batch: IHeldBatch): void {
    void this._write(store => store.put({ key: this.key, ...batch }));
  }

  remove(stream: string, seq: number): void {
    void this._write(store => store.delete([this.key, stream, seq]));
  }

  private async _write(change: (store: IDBObjectStore) => IDBRequest): Promise<void> {
    try {
      const db = await database();
      await done(change(db.transaction(STORE, 'readwrite').objectStore(STORE)));
      this._report(null);
    } catch (error) {
      this._report(error);
    }
  }

  /** Tell the page (and the console, with the details) when the store fails, and when it works again. */
  private _report(error: unknown): void {
    if (error !== null) {
      console.warn('sensorlab: the browser cannot keep readings across a reload', error);
    }
    const problem = error === null ? '' : storeProblem();
    if (problem !== this._problem) {
      this._problem = problem;
      this._problemChanged.emit(problem);
    }
  }

  private _problem = '';
  private _problemChanged = new Signal<this, string>(this);
}
