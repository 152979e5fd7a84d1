// The USB serial source unplugged and plugged in again, stop(), send() and dispose().
import { DEFAULT_SERIAL_OPTIONS } from '../../src/sources/serial';
import { protocolFixture } from './fixtures';
import { serialTestbed, UNPLUGGED, FakePort, sleep, waitFor, settle } from './serial-testbed';
import { deferred } from './fakes';

describe('SerialSource', () => {
  const bed = serialTestbed();
  const { make, changes, connected, unplugged } = bed;

  describe('unplugged and plugged in again', () => {
    test('waits for the board, saying to plug it in; readings stop', async () => {
      const watched = await unplugged();
      const { source, port, readings } = watched;
      expect(source.problem).toContain(UNPLUGGED);
      expect(changes(watched)).toEqual(['connecting', 'connected', 'waiting']);
      // The lost port is let go.
      expect(port.closes).toBe(1);
      await sleep(50);
      expect(readings).toEqual([]);
      await expect(source.send('x')).rejects.toThrow('not connected');
    });

    test('takes the new port when the browser announces it: same speed, no chooser', async () => {
      const watched = await unplugged({ baudRate: 57600 });
      const { source, readings } = watched;
      const again = new FakePort();
      bed.serial.plug(again);
      await waitFor(() => source.state === 'connected', "state 'connected'");
      expect(again.opens).toEqual([57600]);
      expect(bed.serial.requestPort).toHaveBeenCalledTimes(1);
      expect(source.problem).toBe('');
      expect(changes(watched)).toEqual(['connecting', 'connected', 'waiting', 'connected']);

      // The first line after reopening may be a half one: dropped.
      again.print('ure:99\r\n');
      again.print('temperature:24\r\n');
      await waitFor(() => readings.length === 1, 'a reading from the new port');
      await sleep(20);
      expect(readings.map(r => r.values)).toEqual([{ temperature: 24 }]);
      expect(readings[0].source).toBe('usb');

      // And it can be written to.
      await source.send('target 21.5');
      expect(again.text).toBe('target 21.5\n');
    });

    test('finds it by looking at getPorts() when no connect event comes', async () => {
      const { source } = await unplugged();
      const again = new FakePort();
      bed.serial.plug(again, false);
      await waitFor(() => source.state === 'connected', "state 'connected'", 1200);
      expect(again.opens).toEqual([DEFAULT_SERIAL_OPTIONS.baudRate]);
      expect(bed.serial.requestPort).toHaveBeenCalledTimes(1);
    });

    test('a board with other USB ids is not taken for it', async () => {
      const { source } = await unplugged();
      const arduino = new FakePort({ usbVendorId: 0x2341, usbProductId: 0x0043 });
      const otherMicrobit = new FakePort({ usbVendorId: 0x0d28, usbProductId: 0x0205 });
      bed.serial.plug(arduino);
      bed.serial.plug(otherMicrobit);
      await sleep(700); // past a look at getPorts()
      expect(bed.serial.getPorts.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(arduino.openCalls).toBe(0);
      expect(otherMicrobit.openCalls).toBe(0);
      expect(source.state).toBe('waiting');

      const again = new FakePort();
      bed.serial.plug(again);
      await waitFor(() => source.state === 'connected', "state 'connected'");
      expect(again.opens).toHaveLength(1);
    });

    test('keeps waiting while the replugged board cannot be opened yet', async () => {
      const { source } = await unplugged();
      const again = new FakePort();
      let refusals = 2;
      const open = again.open.bind(again);
      again.open = async options => {
        if (refusals-- > 0) {
          throw new DOMException('Failed to open serial port.', 'NetworkError');
        }
        return open(options);
      };
      bed.serial.plug(again);
      await sleep(30);
      expect(source.state).toBe('waiting');
      expect(source.problem).toContain(UNPLUGGED);
      await waitFor(() => source.state === 'connected', "state 'connected'", 2500);
    });

    test('the browser announcing the board twice while it opens opens it once', async () => {
      const watched = await unplugged();
      const { source } = watched;
      bed.serial.getPortsDelayMs = 1; // the browser answers later, as it does
      const again = new FakePort();
      const gate = deferred();
      again.openGate = gate.promise; // a board that takes its time to open
      bed.serial.plug(again);
      await waitFor(() => again.opens.length === 1, 'the open to start');
      bed.serial.announce(again); // or the look every 500 ms, while it still opens
      await sleep(50);
      gate.resolve();
      await waitFor(() => source.state === 'connected', "state 'connected'");
      await sleep(50);
      expect(again.openCalls).toBe(1);
      expect(changes(watched)).toEqual(['connecting', 'connected', 'waiting', 'connected']);
      again.print('\ntemperature:24\r\n');
      await waitFor(() => watched.readings.length === 1, 'a reading');
      await expect(source.stop()).resolves.toBeUndefined();
      expect(again.isOpen).toBe(false);
    });
  });

  describe('stop()', () => {
    test('stops reading and closes the port', async () => {
      const { source, port } = await connected();
      await source.stop();
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(port.closes).toBe(1);
      expect(port.isOpen).toBe(false);
    });

    test('after stop(), a board plugged in again is left alone', async () => {
      const { source } = await unplugged();
      await source.stop();
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(bed.serial.listeners.size).toBe(0);
      const again = new FakePort();
      bed.serial.plug(again);
      await sleep(700); // past a look at getPorts()
      expect(again.openCalls).toBe(0);
      expect(source.state).toBe('stopped');
    });

    test('stop() while the chosen port opens leaves it closed and stopped', async () => {
      const port = new FakePort();
      const gate = deferred();
      port.openGate = gate.promise;
      bed.serial.choice = port;
      const { source, readings } = make();
      const starting = source.start();
      await waitFor(() => port.opens.length === 1, 'the open to start');
      await source.stop();
      gate.resolve();
      await starting.catch(() => undefined);
      await sleep(20);
      expect(source.state).toBe('stopped');
      expect(port.isOpen).toBe(false);
      expect(readings).toEqual([]);
    });

    test('stop() while the replugged board opens leaves it closed and stopped', async () => {
      const { source } = await unplugged();
      const again = new FakePort();
      const gate = deferred();
      again.openGate = gate.promise;
      bed.serial.plug(again);
      await waitFor(() => again.opens.length === 1, 'the open to start');
      await source.stop();
      gate.resolve();
      await sleep(20);
      expect(source.state).toBe('stopped');
      expect(again.isOpen).toBe(false);
    });

    test('stop() while the browser lists the ports does not open the board after', async () => {
      const { source } = await unplugged();
      const answer = deferred();
      bed.serial.getPortsGate = answer.promise;
      const looks = bed.serial.getPorts.mock.calls.length;
      const again = new FakePort();
      bed.serial.plug(again);
      expect(bed.serial.getPorts).toHaveBeenCalledTimes(looks + 1); // asked, not answered
      await source.stop();
      answer.resolve();
      await sleep(20);
      expect(source.state).toBe('stopped');
      expect(again.openCalls).toBe(0);
    });
  });

  describe('send()', () => {
    test('writes the line and one newline', async () => {
      const { source, port } = await connected();
      await source.send('target 21.5');
      expect(port.text).toBe('target 21.5\n');
    });

    test.each(['target 21.5\n', 'target 21.5\r\n'])('does not double the line end of %j', async line => {
      const { source, port } = await connected();
      await source.send(line);
      expect(port.text).toBe('target 21.5\n');
    });

    test('two sends in a row arrive whole and in order', async () => {
      const { source, port } = await connected();
      await Promise.all([source.send('target 21.5'), source.send('led on')]);
      expect(port.text).toBe('target 21.5\nled on\n');
      // The stream is free again afterwards.
      expect(port.writable?.locked).toBe(false);
    });

    test('before connecting, rejects with the message the kernel is sent', async () => {
      const { source } = make();
      const expected = protocolFixture<{ error: string }>('device_result-error.json').error;
      await expect(source.send('target 21.5')).rejects.toThrow(expected);
      expect(expected).toMatch(/^The USB device is not connected/);
    });

    test('after stop(), rejects', async () => {
      const { source, port } = await connected();
      await source.stop();
      await expect(source.send('target 21.5')).rejects.toThrow(/^The USB device is not connected/);
      expect(port.written).toEqual([]);
    });
  });

  describe('dispose()', () => {
    test('stops looking for the board: no timers, no connect listener', async () => {
      jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
      bed.serial.choice = new FakePort();
      const { source } = make();
      await source.start();
      const port = bed.serial.choice as FakePort;
      port.print('\nx:bad\r\n'); // a problem: the health timer runs
      await settle();
      bed.serial.unplug(port);
      await settle();
      expect(source.state).toBe('waiting');
      expect(bed.serial.addEventListener).toHaveBeenCalledWith('connect', expect.any(Function));
      expect(jest.getTimerCount()).toBeGreaterThanOrEqual(2); // the look every 500 ms, health

      source.dispose();
      expect(jest.getTimerCount()).toBe(0);
      const listener = bed.serial.addEventListener.mock.calls[0][1];
      expect(bed.serial.removeEventListener).toHaveBeenCalledWith('connect', listener);
      expect(bed.serial.listeners.size).toBe(0);

      const looks = bed.serial.getPorts.mock.calls.length;
      const again = new FakePort();
      bed.serial.plug(again);
      await jest.advanceTimersByTimeAsync(2000);
      expect(bed.serial.getPorts.mock.calls.length).toBe(looks);
      expect(again.openCalls).toBe(0);
    });

    test('dispose() while connected lets the port go', async () => {
      const { source, port } = await connected();
      source.dispose();
      await waitFor(() => !port.isOpen, 'the port to close');
      expect(port.closes).toBe(1);
    });
  });
});
