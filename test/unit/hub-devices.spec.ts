/** Many devices in one tab: each Connect a new device, each reading's source a device, Loggers' device filters, names. */
import { DeviceHub } from '../../src/hub';
import type { IReading } from '../../src/sources/types';
import type { ILoggerLink } from '../../src/tokens';
import { FakeKernel, ManualBoard } from './fakes';
import { FakePort, serialTestbed, waitFor } from './serial-testbed';
import { FakeBluetooth, installBluetooth } from './bluetooth-testbed';
import { essProfile, FakeDevice } from './fake-bluetooth';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

/** A gateway's port as the hub sees it: readings of senders heard through it, each with its own source. */
class Gateway extends ManualBoard {
  /** A packet from sender `serial`, with the name its program sent, if any. */
  hear(serial: number, temp: number, device?: string): void {
    const reading: IReading = { time: T0, values: { temp }, source: `microbit-${serial}`, ...(device && { device }) };
    this.readingReceived.emit(reading);
  }
}

describe('a tab with many devices', () => {
  const bed = serialTestbed();
  let hub: DeviceHub;
  let kernel: FakeKernel;

  /** A Logger's link with this filter; what it would send to the kernel is in `forwarded(link)`. */
  function logger(name: string, kind: ILoggerLink['filter']['kind'], devices: string[] | null = null): ILoggerLink {
    const link = hub.link(kernel as never, name, 60_000, 'class.ipynb', {});
    link.filter = { kind, devices };
    return link;
  }
  const forwarded = (link: ILoggerLink) => link.forwarder.stats.pending;

  beforeEach(() => {
    hub = new DeviceHub();
    kernel = new FakeKernel();
  });

  afterEach(() => hub.dispose());

  describe('USB boards', () => {
    test('each Connect with a new board is a new device, serial-1 then serial-2; the same board again is not', async () => {
      const first = new FakePort();
      const second = new FakePort(); // the same kind of board: a class set of micro:bits
      bed.serial.choice = first;
      const one = await hub.connect('serial');
      bed.serial.choice = second;
      const two = await hub.connect('serial');
      expect([one.id, two.id]).toEqual(['serial-1', 'serial-2']);
      expect([one.state, two.state]).toEqual(['connected', 'connected']);
      expect(hub.devices.map(device => device.name)).toEqual(['micro:bit (USB)', 'micro:bit (USB) 2']);

      bed.serial.choice = first;
      expect(await hub.connect('serial')).toBe(one);
      expect(hub.sources).toHaveLength(2);
      expect(first.openCalls).toBe(1);

      const readings: IReading[] = [];
      hub.readingReceived.connect((_, reading) => readings.push(reading));
      first.print('\ntemp:21\n');
      second.print('\ntemp:22\n');
      await waitFor(() => readings.length === 2, 'two readings');
      expect(readings.map(r => [r.source, r.values.temp])).toEqual([
        ['serial-1', 21],
        ['serial-2', 22]
      ]);
      expect(hub.latest('serial-2')?.values).toEqual({ temp: 22 });
    });

    test('a board that cannot be opened leaves no device behind, and says why', async () => {
      const busy = new FakePort();
      busy.unplugged = true; // open() fails as for a board another program holds
      bed.serial.choice = busy;
      await expect(hub.connect('serial')).rejects.toThrow(/could not be opened/);
      expect(hub.sources).toEqual([]);
      expect(hub.devices).toEqual([]);
      bed.serial.choice = new FakePort();
      expect((await hub.connect('serial')).id).toBe('serial-1');
    });

    test('a closed chooser adds nothing and says what to do', async () => {
      bed.serial.choice = new DOMException('No port selected by the user.', 'NotFoundError');
      await expect(hub.connect('serial')).rejects.toThrow('No device was chosen. Press Connect and pick your board');
      expect(hub.sources).toEqual([]);
    });

    test('unplugging one board never disturbs the other, even of the same kind; replugged, it is read again', async () => {
      const first = new FakePort();
      const second = new FakePort();
      bed.serial.choice = first;
      const one = await hub.connect('serial');
      bed.serial.choice = second;
      const two = await hub.connect('serial');
      const link = logger('bench', 'serial');

      bed.serial.unplug(first);
      await waitFor(() => one.state === 'waiting', 'board 1 waiting');
      // Board 1 looks for a board like it: board 2's port is one, and it is not touched.
      await new Promise(resolve => setTimeout(resolve, 1200));
      expect(second.openCalls).toBe(1);
      expect(two.state).toBe('connected');
      second.print('\ntemp:22\ntemp:23\n');
      await waitFor(() => hub.latest('serial-2')?.values.temp === 23, 'board 2 read on');

      const back = new FakePort();
      bed.serial.plug(back);
      await waitFor(() => one.state === 'connected', 'board 1 read again');
      back.print('\ntemp:20\n');
      await waitFor(() => hub.latest('serial-1')?.values.temp === 20, 'board 1 reading again');
      expect(two.state).toBe('connected');
      expect(hub.devices.map(device => device.id)).toEqual(['serial-1', 'serial-2']);
      expect(forwarded(link)).toBe(3);
    });

    test('a board chosen again while it is lost is given to the device that waits for it', async () => {
      bed.serial.choice = new FakePort();
      const one = await hub.connect('serial');
      bed.serial.unplug(bed.serial.choice);
      await waitFor(() => one.state === 'waiting', 'waiting');
      bed.serial.choice = new FakePort(); // plugged in again, and chosen in the chooser
      expect(await hub.connect('serial')).toBe(one);
      expect(one.state).toBe('connected');
      expect(hub.sources).toHaveLength(1);
    });

    test('a line from Python goes to each board of the logger', async () => {
      const ports = [new FakePort(), new FakePort()];
      for (const port of ports) {
        bed.serial.choice = port;
        await hub.connect('serial');
      }
      const link = logger('bench', 'serial');
      const answers: unknown[] = [];
      jest.spyOn(link.channel, 'send').mockImplementation(message => answers.push(message));
      await hub.deviceRequest(link, { type: 'device_request', id: 1, action: 'send_line', line: 'target 21.5' });
      expect(ports.map(port => port.text)).toEqual(['target 21.5\n', 'target 21.5\n']);
      expect(answers).toEqual([{ type: 'device_result', id: 1, error: null, value: null }]);
    });
  });

  describe('Bluetooth sensors', () => {
    let bluetooth: FakeBluetooth;
    beforeEach(() => {
      bluetooth = new FakeBluetooth();
      installBluetooth(bluetooth);
    });
    afterEach(() => installBluetooth(null));

    test('each new sensor is a new device named by itself; the same sensor again is not', async () => {
      const thingy = new FakeDevice(essProfile(true), 'Class sensor');
      bluetooth.choice = thingy;
      const one = await hub.connect('bluetooth');
      expect(one.id).toBe('bluetooth-1');
      expect(await hub.connect('bluetooth')).toBe(one);
      const other = new FakeDevice(essProfile(true), 'Class sensor');
      Object.defineProperty(other, 'id', { value: 'another-sensor' });
      bluetooth.choice = other;
      const two = await hub.connect('bluetooth');
      expect(two.id).toBe('bluetooth-2');
      // Both call themselves "Class sensor": the second is told apart, and the names go with the readings.
      expect(hub.devices.map(device => [device.name, device.named])).toEqual([
        ['Class sensor', true],
        ['Class sensor 2', true]
      ]);
      const readings: IReading[] = [];
      hub.readingReceived.connect((_, reading) => readings.push(reading));
      other.notify('00002a6e-0000-1000-8000-00805f9b34fb', [0x66, 0x08]);
      expect(readings.map(r => [r.source, r.device, r.values.temperature])).toEqual([
        ['bluetooth-2', 'Class sensor 2', 21.5]
      ]);
    });
  });

  describe("a gateway's senders", () => {
    let gateway: Gateway;
    beforeEach(async () => {
      gateway = hub.add(new Gateway('serial-1', 'micro:bit (USB)')) as Gateway;
      await gateway.start();
    });

    test('each sender is a device of its own, with its latest value and history, in the order heard', () => {
      const changed = jest.fn();
      hub.sourcesChanged.connect(changed);
      gateway.hear(1923449, 21.5);
      gateway.hear(77, 19);
      gateway.hear(1923449, 21.75);
      expect(hub.devices.map(device => device.id)).toEqual(['serial-1', 'microbit-1923449', 'microbit-77']);
      expect(hub.devices.every(device => device.source === gateway)).toBe(true);
      expect(hub.latest('microbit-1923449')?.values).toEqual({ temp: 21.75 });
      expect(hub.latest('microbit-77')?.values).toEqual({ temp: 19 });
      expect(hub.history('microbit-1923449').channels).toEqual(['temp']);
      expect(changed).toHaveBeenCalledTimes(2); // once per new sender, not per reading
    });

    test("Loggers get the devices their source and devices pick: by kind, id, name or sender's serial number", () => {
      const sim = hub.simulated();
      const every = logger('every', 'all');
      const usb = logger('usb', 'serial');
      const two = logger('two', 'serial', ['1923449', 'microbit-77']);
      const named = logger('named', 'serial', ['group 3']);
      const ble = logger('ble', 'bluetooth');
      const simulated = logger('simulated', 'simulated');
      gateway.hear(1923449, 21.5);
      gateway.hear(77, 19);
      gateway.hear(5, 18, 'group 3');
      gateway.hear(6, 18);
      (sim as unknown as { step(): void }).step();
      expect([every, usb, two, named, ble, simulated].map(forwarded)).toEqual([5, 4, 2, 1, 0, 1]);
      expect(hub.devicesFor(two.filter).map(device => device.id)).toEqual(['microbit-1923449', 'microbit-77']);
    });

    test("a name the sender's program sent, or one the user gives, goes with its readings; '' gives its own back", () => {
      const readings: IReading[] = [];
      hub.readingReceived.connect((_, reading) => readings.push(reading));
      gateway.hear(5, 18, 'group 3');
      gateway.hear(6, 18);
      hub.rename('microbit-6', '  window table ');
      gateway.hear(6, 18.5);
      hub.rename('microbit-6', '');
      gateway.hear(6, 19);
      expect(readings.map(r => r.device)).toEqual(['group 3', undefined, 'window table', undefined]);
      expect(hub.devices.map(device => device.name)).toEqual(['micro:bit (USB)', 'group 3', 'microbit-6']);
      hub.rename('serial-1', 'x'.repeat(100));
      expect(hub.devices[0].name).toHaveLength(64);
    });
  });

  test('readings made in Python (logger.record) are listed and charted as devices, never sent back to the kernel', () => {
    const all = logger('everything', 'all');
    const made = hub.recorded([
      { time: T0, values: { temperature: 21.5 }, source: 'python-pi', device: 'pi' },
      { time: T0 + 1000, values: { temperature: 21.6 }, source: 'python-pi', device: 'pi' },
      { time: T0, values: { lux: 300 }, source: 'python' }
    ]);
    expect(made.map(device => [device.id, device.name])).toEqual([
      ['python-pi', 'pi'],
      ['python', 'Python in the notebook']
    ]);
    expect(hub.devices.map(device => device.id)).toEqual(['python-pi', 'python']);
    expect(hub.latest('python-pi')?.values).toEqual({ temperature: 21.6 });
    expect(hub.history('python-pi').size('temperature')).toBe(2);
    expect(forwarded(all)).toBe(0);
  });
});
