// The Bluetooth source: why it cannot run, the chooser, notifications, the micro:bit, polling.
import { webBluetoothProblem } from '../../src/sources/bluetooth';
import {
  bluetoothTestbed,
  LINUX_CHROME,
  LINUX_CHROMIUM,
  LINUX_FIREFOX,
  MAC_SAFARI,
  CHROMEOS,
  ANDROID_CHROME,
  installBluetooth,
  setUserAgent,
  flush
} from './bluetooth-testbed';
import {
  ESS,
  TEMPERATURE,
  HUMIDITY,
  PRESSURE,
  ILLUMINANCE,
  MICROBIT_SERVICE,
  MICROBIT_TEMPERATURE,
  MICROBIT_PERIOD,
  DEVICE_INFORMATION,
  Profile,
  attribute,
  essProfile,
  microbitProfile,
  domError,
  FakeDevice
} from './fake-bluetooth';
import { expectRefusedStart, setSecure } from './fakes';

describe('Bluetooth', () => {
  const bed = bluetoothTestbed();
  const { make, connected, values, changes } = bed;

  describe('webBluetoothProblem()', () => {
    test("is '' on a secure page of a browser with Web Bluetooth", () => {
      expect(webBluetoothProblem()).toBe('');
    });

    test('on a page that is not secure, says to open Jupyter at localhost', () => {
      setSecure(false);
      const problem = webBluetoothProblem();
      expect(problem).toContain('secure page');
      expect(problem).toContain('http://localhost:');
      expect(problem).toContain('https');
    });

    test.each([
      ['Linux Chrome', LINUX_CHROME],
      ['Linux Chromium', LINUX_CHROMIUM]
    ])('on %s without navigator.bluetooth, names --enable-features=WebBluetooth', (_name, agent) => {
      installBluetooth(null);
      setUserAgent(agent);
      expect('bluetooth' in navigator).toBe(false);
      const problem = webBluetoothProblem();
      expect(problem).toContain('--enable-features=WebBluetooth');
      expect(problem).toContain('Linux');
    });

    test.each([
      ['Firefox on Linux', LINUX_FIREFOX],
      ['Safari', MAC_SAFARI],
      ['ChromeOS (not the Linux flag)', CHROMEOS],
      ['Chrome on Android (not the Linux flag)', ANDROID_CHROME]
    ])('on %s without navigator.bluetooth, says to use Chrome or Edge', (_name, agent) => {
      installBluetooth(null);
      setUserAgent(agent);
      const problem = webBluetoothProblem();
      expect(problem).toContain('Use Chrome or Edge');
      expect(problem).not.toContain('--enable-features');
    });

    test('a page that is not secure is named first, even without navigator.bluetooth', () => {
      installBluetooth(null);
      setUserAgent(LINUX_CHROME);
      setSecure(false);
      expect(webBluetoothProblem()).toContain('secure page');
    });

    test.each([
      ['a page that is not secure', () => setSecure(false)],
      ['Linux Chrome without the flag', () => (installBluetooth(null), setUserAgent(LINUX_CHROME))],
      ['a browser without Web Bluetooth', () => (installBluetooth(null), setUserAgent(LINUX_FIREFOX))]
    ])('on %s, start() rejects with the problem and stays stopped', async (_why, setup) => {
      const fake = bed.bluetooth;
      setup();
      await expectRefusedStart(make(), webBluetoothProblem(), fake.requestDevice);
    });
  });

  describe('the chooser', () => {
    test('offers sensors of the Environmental Sensing or micro:bit temperature service', async () => {
      await connected(essProfile(true));
      expect(bed.bluetooth.requestDevice).toHaveBeenCalledTimes(1);
      expect(bed.bluetooth.requestDevice).toHaveBeenCalledWith({
        filters: [{ services: [ESS] }, { services: [MICROBIT_SERVICE] }],
        optionalServices: [ESS, MICROBIT_SERVICE]
      });
    });

    test('with a name prefix, each filter carries it', async () => {
      await connected(microbitProfile(), { namePrefix: 'BBC micro:bit' });
      expect(bed.bluetooth.requestDevice).toHaveBeenCalledWith({
        filters: [
          { services: [ESS], namePrefix: 'BBC micro:bit' },
          { services: [MICROBIT_SERVICE], namePrefix: 'BBC micro:bit' }
        ],
        optionalServices: [ESS, MICROBIT_SERVICE]
      });
    });

    test.each([
      [
        'the chooser was cancelled',
        domError('NotFoundError', 'User cancelled the requestDevice() chooser.'),
        /^No sensor was chosen/
      ],
      [
        'there is no Bluetooth adapter',
        domError('NotFoundError', 'Bluetooth adapter not available.'),
        /no Bluetooth, or it is switched off/
      ],
      [
        'there was no click',
        domError('SecurityError', 'Must be handling a user gesture to show a permission request.'),
        /needs a click/
      ],
      ['something else went wrong', domError('NetworkError', 'Boom.'), /chooser: Boom\./]
    ])('when %s, rejects in words and stays stopped', async (_why, error, message) => {
      bed.bluetooth.choice = error;
      const { source } = make();
      await expect(source.start()).rejects.toThrow(message);
      expect(source.state).toBe('stopped');
      expect(source.problem).toMatch(message);
    });

    test('a cancelled chooser leaves a sensor already connected as it was', async () => {
      const { source, device, readings } = await connected(essProfile(true));
      bed.bluetooth.choice = domError('NotFoundError', 'User cancelled the requestDevice() chooser.');
      await expect(source.start()).rejects.toThrow(/No sensor was chosen/);
      expect(source.state).toBe('connected');
      expect(device.gatt.connected).toBe(true);
      device.notify(TEMPERATURE, [0x66, 0x08]);
      expect(values(readings)).toEqual([{ temperature: 21.5 }]);
    });
  });

  describe('an Environmental Sensing sensor that notifies', () => {
    test("is 'connected', named after the device, with the units of its channels", async () => {
      const { source, states, device } = await connected(essProfile(true), {}, 'Thingy:52');
      expect(source.label).toBe('Thingy:52');
      expect(source.problem).toBe('');
      expect(changes(states)).toEqual(['connecting', 'connected']);
      expect(source.units).toEqual({ temperature: '°C', humidity: '%', pressure: 'hPa', illuminance: 'lx' });
      expect(source.transport).toBe('bluetooth');
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
    });

    test("a device without a name is 'Bluetooth sensor'", async () => {
      const { source } = await connected(essProfile(true), {}, null);
      expect(source.label).toBe('Bluetooth sensor');
    });

    test('asks for notifications on every characteristic and reads none', async () => {
      const { device } = await connected(essProfile(true));
      for (const uuid of [TEMPERATURE, HUMIDITY, PRESSURE, ILLUMINANCE]) {
        const [characteristic] = device.current(uuid);
        expect(characteristic.startNotifications).toHaveBeenCalledTimes(1);
        expect(characteristic.readValue).not.toHaveBeenCalled();
      }
      expect(jest.getTimerCount()).toBe(0); // nothing to poll
    });

    test('each notification is one reading of its channel, decoded', async () => {
      const { device, readings, source } = await connected(essProfile(true));
      expect(readings).toEqual([]);
      expect(device.notify(TEMPERATURE, [0x66, 0x08])).toBe(1);
      device.notify(HUMIDITY, [0xa0, 0x0f]);
      device.notify(PRESSURE, [0x02, 0x76, 0x0f, 0x00]);
      device.notify(ILLUMINANCE, [0xa0, 0x86, 0x01]);
      device.notify(TEMPERATURE, [0xf3, 0xfd]);
      expect(values(readings)).toEqual([
        { temperature: 21.5 },
        { humidity: 40 },
        { pressure: 1013.25 },
        { illuminance: 1000 },
        { temperature: -5.25 }
      ]);
      expect(readings.every(r => r.source === 'ble')).toBe(true);
      expect(readings[0].time).toBe(Date.now());
      expect(source.health.readings).toBe(5);
    });

    test('a value the sensor does not know gives no reading', async () => {
      const { device, readings, source } = await connected(essProfile(true));
      device.notify(TEMPERATURE, [0x00, 0x80]); // -32768
      device.notify(ILLUMINANCE, [0xff, 0xff, 0xff]);
      expect(readings).toEqual([]);
      expect(source.health.lines).toBe(2);
      expect(source.health.readings).toBe(0);
      device.notify(TEMPERATURE, [0x66, 0x08]);
      expect(values(readings)).toEqual([{ temperature: 21.5 }]);
    });

    test('notifications after stop() give nothing', async () => {
      const { device, readings, source } = await connected(essProfile(true));
      await source.stop();
      expect(device.notify(TEMPERATURE, [0x66, 0x08])).toBe(0);
      expect(readings).toEqual([]);
    });
  });

  describe('a micro:bit', () => {
    test('its temperature notifications are whole °C, signed', async () => {
      const { device, readings, source } = await connected(microbitProfile(), {}, 'BBC micro:bit [zogav]');
      expect(source.label).toBe('BBC micro:bit [zogav]');
      expect(source.units).toEqual({ temperature: '°C' });
      device.notify(MICROBIT_TEMPERATURE, [0x15]);
      device.notify(MICROBIT_TEMPERATURE, [0xff]);
      device.notify(MICROBIT_TEMPERATURE, [0x80]);
      expect(values(readings)).toEqual([{ temperature: 21 }, { temperature: -1 }, { temperature: -128 }]);
    });
  });

  describe('polling', () => {
    const ALL = { temperature: 21.5, humidity: 40, pressure: 1013.25, illuminance: 1000 };

    test('characteristics without notifications are read at once, then every second, all in one reading', async () => {
      const { device, readings } = await connected(essProfile(false));
      for (const uuid of [TEMPERATURE, HUMIDITY, PRESSURE, ILLUMINANCE]) {
        expect(device.current(uuid)[0].startNotifications).not.toHaveBeenCalled();
      }
      await flush();
      expect(values(readings)).toEqual([ALL]);

      await jest.advanceTimersByTimeAsync(999);
      expect(readings).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(values(readings)).toEqual([ALL, ALL]);

      device.set(TEMPERATURE, [0xf3, 0xfd]);
      device.set(ILLUMINANCE, [0xff, 0xff, 0xff]); // unknown: left out of the reading
      await jest.advanceTimersByTimeAsync(1000);
      expect(values(readings)[2]).toEqual({ temperature: -5.25, humidity: 40, pressure: 1013.25 });
      expect(readings[2].time - readings[1].time).toBe(1000);

      await jest.advanceTimersByTimeAsync(3000);
      expect(readings).toHaveLength(6);
      expect(device.current(TEMPERATURE)[0].readValue).toHaveBeenCalledTimes(6);
    });

    test('a poll where every value is unknown gives no reading', async () => {
      const profile = essProfile(false);
      delete profile[ESS][HUMIDITY];
      delete profile[ESS][PRESSURE];
      const { device, readings } = await connected(profile);
      await flush();
      expect(readings).toHaveLength(1);
      device.set(TEMPERATURE, [0x00, 0x80]);
      device.set(ILLUMINANCE, [0xff, 0xff, 0xff]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(readings).toHaveLength(1);
    });

    test('with pollMs, reads at that period', async () => {
      const { readings } = await connected(essProfile(false), { pollMs: 250 });
      await flush();
      expect(readings).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(249);
      expect(readings).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(readings).toHaveLength(2);
      await jest.advanceTimersByTimeAsync(750);
      expect(readings).toHaveLength(5);
    });

    test('with pollMs, even characteristics that notify are read, not followed', async () => {
      const { device, readings } = await connected(essProfile(true), { pollMs: 500 });
      for (const uuid of [TEMPERATURE, HUMIDITY, PRESSURE, ILLUMINANCE]) {
        expect(device.current(uuid)[0].startNotifications).not.toHaveBeenCalled();
      }
      await jest.advanceTimersByTimeAsync(1000);
      expect(values(readings)).toEqual([ALL, ALL, ALL]);
    });

    test('a characteristic that refuses notifications is read instead, in the same one reading', async () => {
      const profile = essProfile(false);
      profile[ESS][TEMPERATURE].properties.notify = true;
      profile[ESS][TEMPERATURE].refuseNotifications = true;
      const { device, readings } = await connected(profile);
      const [temperature] = device.current(TEMPERATURE);
      expect(temperature.startNotifications).toHaveBeenCalledTimes(1);
      await flush();
      expect(values(readings)).toEqual([ALL]);
      await jest.advanceTimersByTimeAsync(2000);
      // One reading per poll: the read's own characteristicvaluechanged is no extra reading.
      expect(values(readings)).toEqual([ALL, ALL, ALL]);
      expect(temperature.readValue).toHaveBeenCalledTimes(3);
    });

    test('notifications and polling together: each gives its own channels', async () => {
      const profile = essProfile(false);
      profile[ESS][TEMPERATURE].properties.notify = true;
      delete profile[ESS][PRESSURE];
      delete profile[ESS][ILLUMINANCE];
      const { device, readings } = await connected(profile);
      await flush();
      expect(values(readings)).toEqual([{ humidity: 40 }]);
      device.notify(TEMPERATURE, [0x67, 0x08]);
      await jest.advanceTimersByTimeAsync(1000);
      expect(values(readings)).toEqual([{ humidity: 40 }, { temperature: 21.51 }, { humidity: 40 }]);
      expect(device.current(TEMPERATURE)[0].readValue).not.toHaveBeenCalled();
    });

    test('stop() ends polling: no timers, no reads', async () => {
      const { device, readings, source } = await connected(essProfile(false));
      await flush();
      await source.stop();
      expect(jest.getTimerCount()).toBe(0);
      const reads = device.characteristics[0].readValue.mock.calls.length;
      await jest.advanceTimersByTimeAsync(10_000);
      expect(device.characteristics[0].readValue).toHaveBeenCalledTimes(reads);
      expect(readings).toHaveLength(1);
    });
  });

  describe('a sensor without the known characteristics', () => {
    test.each([
      ['no known service', { [DEVICE_INFORMATION]: { '00002a29-0000-1000-8000-00805f9b34fb': attribute([0x41]) } }],
      [
        'the ESS service without known characteristics',
        { [ESS]: { '00002a76-0000-1000-8000-00805f9b34fb': attribute([0x01]) } }
      ],
      [
        'the micro:bit service with only the period',
        { [MICROBIT_SERVICE]: { [MICROBIT_PERIOD]: attribute([0xe8, 0x03]) } }
      ]
    ])('with %s: start() rejects, stopped, and lets it go', async (_what, profile: Profile) => {
      const device = new FakeDevice(profile);
      bed.bluetooth.choice = device;
      const { source } = make();
      await expect(source.start()).rejects.toThrow('offers no temperature, humidity, pressure or light values');
      expect(source.state).toBe('stopped');
      expect(source.problem).toMatch(/^The sensor could not be read: it offers no temperature, humidity/);
      expect(device.gatt.connected).toBe(false);
      expect(jest.getTimerCount()).toBe(0);
      // The lost link is no reason to call the sensor again.
      await jest.advanceTimersByTimeAsync(60_000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
    });

    test('a sensor that cannot be connected: start() rejects, stopped', async () => {
      const device = new FakeDevice(essProfile(true));
      device.reachable = false;
      bed.bluetooth.choice = device;
      const { source } = make();
      await expect(source.start()).rejects.toThrow(/^The sensor could not be read: Connection failed/);
      expect(source.state).toBe('stopped');
      expect(jest.getTimerCount()).toBe(0);
    });
  });
});
