// The USB serial source: why it cannot run, start(), bytes to readings, garbled bytes.
import { DEFAULT_SERIAL_OPTIONS, webSerialProblem } from '../../src/sources/serial';
import { expectRefusedStart, setSecure } from './fakes';
import { serialTestbed, FakePort, installSerial, sleep, waitFor, settle } from './serial-testbed';

describe('SerialSource', () => {
  const bed = serialTestbed();
  const { make, changes, connected } = bed;

  describe('webSerialProblem', () => {
    test("is '' on a secure page of a browser with Web Serial", () => {
      expect(webSerialProblem()).toBe('');
    });

    test('on a page that is not secure, says to open it at localhost', () => {
      setSecure(false);
      const problem = webSerialProblem();
      expect(problem).toContain('secure page');
      expect(problem).toContain('http://localhost');
    });

    test('in a browser without Web Serial, names the browsers that have it', () => {
      installSerial(null);
      expect('serial' in navigator).toBe(false);
      expect(webSerialProblem()).toContain('Use Chrome or Edge');
    });

    test.each([
      ['a page that is not secure', () => setSecure(false)],
      ['a browser without Web Serial', () => installSerial(null)]
    ])('on %s, start() rejects with that problem and stays stopped', async (_why, setup) => {
      const fake = bed.serial;
      setup();
      await expectRefusedStart(make(), webSerialProblem(), fake.requestPort);
    });
  });

  describe('start()', () => {
    test('offers only the boards of the filters in the chooser', async () => {
      const filters = [{ usbVendorId: 0x0d28 }, { usbVendorId: 0x2e8a }];
      await connected({ filters });
      expect(bed.serial.requestPort).toHaveBeenCalledTimes(1);
      expect(bed.serial.requestPort).toHaveBeenCalledWith({ filters });
    });

    test('offers every board when there are no filters', async () => {
      await connected();
      expect(bed.serial.requestPort).toHaveBeenCalledWith({});
    });

    test('opens the port at the configured speed', async () => {
      const { port } = await connected({ baudRate: 9600 });
      expect(port.opens).toEqual([9600]);
    });

    test('opens at 115200 baud by default', async () => {
      const { port } = await connected();
      expect(DEFAULT_SERIAL_OPTIONS.baudRate).toBe(115200);
      expect(port.opens).toEqual([115200]);
    });

    test("goes 'connecting' then 'connected', with no problem", async () => {
      const watched = await connected();
      expect(changes(watched)).toEqual(['connecting', 'connected']);
      expect(watched.source.problem).toBe('');
    });

    test.each([
      ['0x0d28', 0x0d28, 0x0204, 'micro:bit (USB)'],
      ['0x2e8a', 0x2e8a, 0x000a, 'Raspberry Pi Pico (USB)'],
      ['0x1234 (unknown)', 0x1234, 0x5678, 'USB device']
    ])('a board of USB vendor %s is named %j', async (_vendor, usbVendorId, usbProductId, label) => {
      const watched = await connected({}, new FakePort({ usbVendorId, usbProductId }));
      expect(watched.source.label).toBe(label);
      // The name is announced with the state change, so views show it at once.
      expect(watched.labels[watched.labels.length - 1]).toBe(label);
    });

    test.each([9599, 300, 1_000_001, 0, -9600, Number.NaN])(
      'refuses %s baud before showing the chooser',
      async baudRate => {
        const { source } = make({ baudRate });
        await expect(source.start()).rejects.toThrow(/9600 to 1000000/);
        expect(bed.serial.requestPort).not.toHaveBeenCalled();
        expect(source.state).toBe('stopped');
        expect(source.problem).toMatch(/9600 to 1000000/);
      }
    );

    test.each([9600, 1_000_000])('accepts %s baud', async baudRate => {
      const { port } = await connected({ baudRate });
      expect(port.opens).toEqual([baudRate]);
    });

    test('when the user closes the chooser without a choice, says how to pick one', async () => {
      bed.serial.choice = new DOMException('No port selected by the user.', 'NotFoundError');
      const { source } = make();
      await expect(source.start()).rejects.toThrow(/^No device was chosen/);
      expect(source.problem).toMatch(/^No device was chosen/);
      expect(source.state).toBe('stopped');
    });

    test('when the chooser cannot open, says why', async () => {
      bed.serial.choice = new DOMException('Must be handling a user gesture.', 'SecurityError');
      const { source } = make();
      await expect(source.start()).rejects.toThrow('Must be handling a user gesture.');
      expect(source.problem).toContain('would not open the device chooser');
      expect(source.state).toBe('stopped');
    });

    test('when the port cannot be opened (another program has it), stops and says so', async () => {
      const port = new FakePort();
      port.open = async () => {
        throw new DOMException('Failed to open serial port.', 'NetworkError');
      };
      bed.serial.choice = port;
      const { source } = make();
      await expect(source.start()).rejects.toThrow(/could not be opened/);
      expect(source.state).toBe('stopped');
      expect(source.problem).toContain('Close other programs');
    });
  });

  describe('bytes to readings', () => {
    test('drops the first line (it may be the end of one printed before), then reads', async () => {
      const { port, readings, source } = await connected();
      port.print('ature:19 light:12\r\n');
      await sleep(30);
      expect(readings).toEqual([]);
      expect(source.health.lines).toBe(0);

      const before = Date.now();
      port.print('temperature:21 light:134\r\n');
      await waitFor(() => readings.length === 1, 'a reading');
      expect(readings[0].values).toEqual({ temperature: 21, light: 134 });
      expect(readings[0].source).toBe('usb');
      expect(readings[0].time).toBeGreaterThanOrEqual(before);
      expect(readings[0].time).toBeLessThanOrEqual(Date.now());
      expect(source.health).toMatchObject({ lines: 1, readings: 1, badLines: 0, badValues: 0 });
    });

    test('keeps a header printed right after the port opens (a sketch waiting for Serial)', async () => {
      const { port, readings, source } = await connected();
      port.print('temperature\thumidity\r\n21.5\t40\r\n');
      await waitFor(() => readings.length === 1, 'a reading');
      expect(readings[0].values).toEqual({ temperature: 21.5, humidity: 40 });
      expect(source.health).toMatchObject({ lines: 2, readings: 1, badLines: 0 });
    });

    test('reads lines whatever the chunks, and skips empty ones', async () => {
      const { port, readings, source } = await connected();
      port.print('\n');
      port.print('tempera');
      port.print('ture:21\r');
      port.print('\n\r\n\ntemperature:22\r\ntemp');
      port.print('erature:23\r\n');
      await waitFor(() => readings.length === 3, 'three readings');
      expect(readings.map(r => r.values)).toEqual([{ temperature: 21 }, { temperature: 22 }, { temperature: 23 }]);
      expect(source.health).toMatchObject({ lines: 3, readings: 3 });
    });

    test('counts a bad value and a line that is not UTF-8, and shows them', async () => {
      const { port, readings, source, healths } = await connected();
      port.print('\n');
      port.print('temperature:abc light:5\r\n');
      port.printBytes([0xff, 0xfe, 0x41, 0x0d, 0x0a]);
      port.print('temperature:21\r\n');
      await settle(); // the bytes are read at once, well before the health timer
      expect(readings).toHaveLength(2);
      // The bad value does not lose the good one beside it.
      expect(readings.map(r => r.values)).toEqual([{ light: 5 }, { temperature: 21 }]);
      const health = source.health;
      expect(health).toMatchObject({ lines: 3, readings: 2, badLines: 1, badValues: 1 });
      expect(health.recent).toEqual([
        expect.objectContaining({
          reason: '"abc" is not a number',
          text: 'temperature:abc light:5'
        }),
        expect.objectContaining({ reason: 'not UTF-8 text', text: '\uFFFD\uFFFDA' })
      ]);
      // Told to the views once, a little later, with both problems.
      expect(healths).toEqual([]);
      await waitFor(() => healths.length === 1, 'healthChanged', 1000);
      expect(healths[0]).toMatchObject({ badLines: 1, badValues: 1 });
      expect(healths[0].recent).toHaveLength(2);
    });

    test('healthChanged is throttled: many problems, one signal per 250 ms', async () => {
      const { port, source, healths } = await connected();
      port.print('\n');
      for (let i = 0; i < 5; i++) {
        port.print(`light:${i} x:oops${i}\r\n`);
      }
      await settle();
      expect(source.health.badValues).toBe(5);
      expect(healths).toHaveLength(0);
      await waitFor(() => healths.length > 0, 'healthChanged');
      await sleep(300);
      expect(healths).toHaveLength(1);
      expect(healths[0].badValues).toBe(5);
      // A later problem is told again.
      port.print('light:9 y:oops\r\n');
      await waitFor(() => healths.length === 2, 'a second healthChanged');
      expect(healths[1].badValues).toBe(6);
    });

    test('uses the configured format: csv with a header (auto would take it for plotter)', async () => {
      const { port, readings } = await connected({ format: 'csv' });
      port.print('\n');
      port.print('temp: C,light\r\n21.5,134\r\n');
      await waitFor(() => readings.length === 1, 'a reading');
      expect(readings[0].values).toEqual({ 'temp: C': 21.5, light: 134 });
    });

    test('names unlabelled values with the configured channels', async () => {
      const { port, readings } = await connected({ channels: ['a', 'b'] });
      port.print('\n1 2\r\n3 4 5\r\n');
      await waitFor(() => readings.length === 2, 'two readings');
      expect(readings.map(r => r.values)).toEqual([
        { a: 1, b: 2 },
        { a: 3, b: 4, 'value 3': 5 }
      ]);
    });
  });

  describe('a garbled byte (framing error)', () => {
    test('keeps reading the same port, and counts a bad line', async () => {
      const watched = await connected();
      const { port, readings, source } = watched;
      port.print('\ntemperature:21\r\n');
      await waitFor(() => readings.length === 1, 'a reading');
      port.garble();
      await sleep(20);
      port.print('temperature:22\r\ntemperature:23\r\n');
      await waitFor(() => readings.length >= 2, 'readings after the error');
      await sleep(20);
      expect(readings[readings.length - 1].values).toEqual({ temperature: 23 });
      expect(source.state).toBe('connected');
      expect(changes(watched)).toEqual(['connecting', 'connected']);
      expect(port.opens).toHaveLength(1);
      expect(port.closes).toBe(0);
      expect(bed.serial.getPorts).not.toHaveBeenCalled();
      const health = source.health;
      expect(health.badLines).toBe(1);
      expect(health.recent).toEqual([
        expect.objectContaining({
          reason: 'the connection garbled some bytes',
          text: 'A framing error was detected.'
        })
      ]);
    });

    test('a line cut by the error is not joined to the bytes after it', async () => {
      // The bytes between were lost: gluing the two halves makes a value the board never printed.
      const { port, readings } = await connected();
      port.print('\ntemperature:21\r\n');
      port.print('temperature:2');
      await settle(); // read, so the half line waits in the source
      expect(readings).toHaveLength(1);
      port.garble();
      await settle();
      port.print('5.5 light:9\r\ntemperature:23\r\n');
      await waitFor(() => readings.length >= 2, 'a reading after the error');
      await sleep(20);
      expect(readings.map(r => r.values)).toEqual([{ temperature: 21 }, { temperature: 23 }]);
    });
  });
});
