// The Bluetooth specs' page: a fake navigator.bluetooth and its chooser, browsers' user agents, sources made and disposed.
import { BluetoothSource, IBluetoothOptions } from '../../src/sources/bluetooth';
import { setSecure } from './fakes';
import type { IReading, SourceState } from '../../src/sources/types';
import { essProfile, FakeDevice, Profile } from './fake-bluetooth';

export const LINUX_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const LINUX_CHROMIUM =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/126.0.0.0 Chrome/126.0.0.0 Safari/537.36';
export const LINUX_FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const MAC_SAFARI =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
export const CHROMEOS =
  'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

/** `navigator.bluetooth`: a chooser that returns `choice`. */
export class FakeBluetooth {
  choice: FakeDevice | Error = new FakeDevice(essProfile(true));

  readonly requestDevice = jest.fn(async (_options: RequestDeviceOptions) => {
    if (this.choice instanceof Error) {
      throw this.choice;
    }
    return this.choice;
  });
}

export function installBluetooth(fake: FakeBluetooth | null): void {
  delete (navigator as unknown as Record<string, unknown>).bluetooth;
  if (fake) {
    Object.defineProperty(navigator, 'bluetooth', { value: fake, configurable: true });
  }
}

export function setUserAgent(agent: string): void {
  Object.defineProperty(navigator, 'userAgent', { value: agent, configurable: true });
}

/** Let promise chains run, without moving the fake clock. */
export const flush = () => jest.advanceTimersByTimeAsync(0);

export interface IWatched {
  source: BluetoothSource;
  states: SourceState[];
  readings: IReading[];
}

/** What each Bluetooth spec sets up: a fake Web Bluetooth on a secure page, fake timers, sources made and disposed. */
export function bluetoothTestbed() {
  const sources: BluetoothSource[] = [];

  function make(options: Partial<IBluetoothOptions> = {}): IWatched {
    const source = new BluetoothSource('ble', options);
    sources.push(source);
    const watched: IWatched = { source, states: [], readings: [] };
    source.stateChanged.connect((_, state) => watched.states.push(state));
    source.readingReceived.connect((_, reading) => watched.readings.push(reading));
    return watched;
  }

  /** A source connected to a sensor of `profile`, picked in the chooser. */
  async function connected(
    profile: Profile,
    options: Partial<IBluetoothOptions> = {},
    /** null: a device that gives no name (Chrome's `name` is then undefined). */
    name: string | null = 'Thingy'
  ): Promise<IWatched & { device: FakeDevice }> {
    const device = new FakeDevice(profile, name);
    bed.bluetooth.choice = device;
    const watched = make(options);
    await watched.source.start();
    expect(watched.source.state).toBe('connected');
    return { ...watched, device };
  }

  const values = (readings: IReading[]) => readings.map(r => r.values);

  /** The states in order, without repeats (a label change re-announces the state). */
  const changes = (states: SourceState[]) => states.filter((state, i) => state !== (states[i - 1] ?? 'stopped'));

  const bed = { bluetooth: new FakeBluetooth(), make, connected, values, changes };

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    // Each failed call of a sensor out of reach is logged at debug level: not here.
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    setSecure(true);
    bed.bluetooth = new FakeBluetooth();
    installBluetooth(bed.bluetooth);
  });

  afterEach(() => {
    for (const source of sources.splice(0)) {
      source.dispose();
    }
    jest.useRealTimers();
    jest.restoreAllMocks();
    installBluetooth(null);
    delete (window as unknown as Record<string, unknown>).isSecureContext;
    delete (navigator as unknown as Record<string, unknown>).userAgent;
  });
  return bed;
}
