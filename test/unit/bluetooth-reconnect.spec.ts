// The Bluetooth source out of reach and back (backoff), stop(), setPeriod() and send().
import type { ISource } from '../../src/sources/types';
import { bluetoothTestbed, flush } from './bluetooth-testbed';
import { deferred } from './fakes';
import {
  TEMPERATURE,
  MICROBIT_SERVICE,
  MICROBIT_TEMPERATURE,
  MICROBIT_PERIOD,
  OUT_OF_REACH,
  bytesOf,
  essProfile,
  microbitProfile,
  FakeDevice
} from './fake-bluetooth';

describe('Bluetooth', () => {
  const bed = bluetoothTestbed();
  const { make, connected, values, changes } = bed;

  describe('when the sensor goes out of reach', () => {
    /** The delays between the connect() calls after the link was lost at `lost`. */
    function delays(device: FakeDevice, lost: number, from = 1): number[] {
      const times = [lost, ...device.gatt.connectTimes.slice(from)];
      return times.slice(1).map((time, i) => time - times[i]);
    }

    test("'waiting' with a problem, then called after 1, 2, 4, 8, 16, 30, 30 s", async () => {
      const { device, source, readings } = await connected(essProfile(false));
      await flush();
      expect(readings).toHaveLength(1);
      const lost = Date.now();
      device.goAway();
      expect(source.state).toBe('waiting');
      expect(source.problem).toContain(OUT_OF_REACH);
      expect(jest.getTimerCount()).toBe(1); // the retry; no more polling

      await jest.advanceTimersByTimeAsync(999);
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);

      await jest.advanceTimersByTimeAsync(90_000);
      expect(delays(device, lost)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(delays(device, lost)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
      expect(source.state).toBe('waiting');
      expect(source.problem).toContain(OUT_OF_REACH);
      expect(readings).toHaveLength(1);
      expect(jest.getTimerCount()).toBe(1);
    });

    test("back in reach: 'connected' again, polled again, and the backoff starts at 1 s again", async () => {
      const { device, source, readings, states } = await connected(essProfile(false));
      await flush();
      device.goAway();
      await jest.advanceTimersByTimeAsync(1000 + 2000 + 4000); // three failed calls
      expect(device.gatt.connect).toHaveBeenCalledTimes(4);
      expect(readings).toHaveLength(1);

      device.comeBack();
      device.set(TEMPERATURE, [0x67, 0x08]);
      await jest.advanceTimersByTimeAsync(7999);
      expect(source.state).toBe('waiting');
      await jest.advanceTimersByTimeAsync(1);
      expect(device.gatt.connect).toHaveBeenCalledTimes(5);
      expect(source.state).toBe('connected');
      expect(source.problem).toBe('');
      expect(changes(states)).toEqual(['connecting', 'connected', 'waiting', 'connected']);
      expect(readings).toHaveLength(2); // read at once on reconnecting
      expect(readings[1].values.temperature).toBe(21.51);
      await jest.advanceTimersByTimeAsync(1000);
      expect(readings).toHaveLength(3);
      expect(device.connection).toBe(2);
      // The characteristics of the new connection are the ones read.
      expect(device.current(TEMPERATURE)[0].readValue).toHaveBeenCalledTimes(2);

      const lostAgain = Date.now();
      device.goAway();
      await jest.advanceTimersByTimeAsync(999);
      expect(device.gatt.connect).toHaveBeenCalledTimes(5);
      await jest.advanceTimersByTimeAsync(1 + 2000);
      expect(delays(device, lostAgain, 5)).toEqual([1000, 2000]);
    });

    test('a sensor that notifies: notifications are asked for again and flow, once each', async () => {
      const { device, source, readings } = await connected(essProfile(true));
      const [before] = device.current(TEMPERATURE);
      device.goAway();
      expect(device.notify(TEMPERATURE, [0x66, 0x08])).toBe(0);
      device.comeBack();
      await jest.advanceTimersByTimeAsync(1000);
      expect(source.state).toBe('connected');
      const [after] = device.current(TEMPERATURE);
      expect(after).not.toBe(before);
      expect(after.startNotifications).toHaveBeenCalledTimes(1);
      expect(device.notify(TEMPERATURE, [0x68, 0x08])).toBe(1);
      expect(values(readings)).toEqual([{ temperature: 21.52 }]);
    });

    test('stop() while waiting ends the calls, with no timer left', async () => {
      const { device, source } = await connected(essProfile(false));
      device.goAway();
      await jest.advanceTimersByTimeAsync(1000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);
      await source.stop();
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(jest.getTimerCount()).toBe(0);
      device.comeBack();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);
      expect(source.state).toBe('stopped');
    });

    test('stop() while a call is still connecting: the sensor is not taken back', async () => {
      const { device, source, readings } = await connected(essProfile(false));
      await flush();
      device.goAway();
      const radio = deferred();
      device.connectGate = radio.promise;
      device.comeBack();
      await jest.advanceTimersByTimeAsync(1000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2); // under way

      await source.stop();
      radio.resolve();
      await flush();
      expect(source.state).toBe('stopped');
      expect(device.gatt.connected).toBe(false);
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(source.state).toBe('stopped');
      expect(readings).toHaveLength(1);
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);
    });

    test('stop() while start() is still connecting: stopped, no problem, the sensor let go', async () => {
      const device = new FakeDevice(essProfile(false));
      const radio = deferred();
      device.connectGate = radio.promise;
      bed.bluetooth.choice = device;
      const { source, readings } = make();
      const starting = source.start();
      await flush();
      expect(source.state).toBe('connecting');
      await source.stop();
      radio.resolve();
      await expect(starting).rejects.toThrow();
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(device.gatt.connected).toBe(false);
      expect(jest.getTimerCount()).toBe(0);
      await jest.advanceTimersByTimeAsync(10_000);
      expect(readings).toEqual([]);
      expect(source.state).toBe('stopped');
    });

    test('dispose() while waiting ends the calls', async () => {
      const { device, source } = await connected(essProfile(false));
      device.goAway();
      source.dispose();
      expect(jest.getTimerCount()).toBe(0);
      device.comeBack();
      await jest.advanceTimersByTimeAsync(60_000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
    });
  });

  describe('stop()', () => {
    test("disconnects, stays 'stopped' (its own disconnection is not a loss)", async () => {
      const { device, source, states } = await connected(essProfile(true));
      await source.stop();
      expect(device.gatt.disconnect).toHaveBeenCalledTimes(1);
      expect(device.gatt.connected).toBe(false);
      expect(source.state).toBe('stopped');
      expect(source.problem).toBe('');
      expect(states[states.length - 1]).toBe('stopped');
      expect(states).not.toContain('waiting');
      await jest.advanceTimersByTimeAsync(60_000);
      expect(device.gatt.connect).toHaveBeenCalledTimes(1);
    });

    test('start() again after stop() connects again', async () => {
      const { device, source, readings } = await connected(essProfile(true));
      await source.stop();
      await source.start();
      expect(source.state).toBe('connected');
      expect(device.gatt.connect).toHaveBeenCalledTimes(2);
      expect(device.notify(TEMPERATURE, [0x66, 0x08])).toBe(1);
      expect(readings).toHaveLength(1);
    });

    test('choosing another sensor lets the first one go', async () => {
      const { device: first, source, readings } = await connected(essProfile(true));
      const second = new FakeDevice(microbitProfile(), 'BBC micro:bit');
      bed.bluetooth.choice = second;
      await source.start();
      expect(first.gatt.connected).toBe(false);
      expect(source.state).toBe('connected');
      expect(source.label).toBe('BBC micro:bit');
      first.goAway(); // no effect on the source any more
      expect(source.state).toBe('connected');
      second.notify(MICROBIT_TEMPERATURE, [0x16]);
      expect(values(readings)).toEqual([{ temperature: 22 }]);
    });
  });

  describe('setPeriod()', () => {
    test('writes the period to a micro:bit, little-endian, and returns the one it chose', async () => {
      const { device, source } = await connected(microbitProfile());
      const [period] = device.current(MICROBIT_PERIOD);
      await expect(source.setPeriod(1000)).resolves.toBe(992);
      expect(period.writeValueWithResponse).toHaveBeenCalledTimes(1);
      expect(bytesOf(period.writeValueWithResponse.mock.calls[0][0])).toEqual([0xe8, 0x03]);
      expect(period.readValue).toHaveBeenCalledTimes(1);
      expect(period.readValue.mock.invocationCallOrder[0]).toBeGreaterThan(
        period.writeValueWithResponse.mock.invocationCallOrder[0]
      );
      await expect(source.setPeriod(2000)).resolves.toBe(1984);
      expect(bytesOf(period.writeValueWithResponse.mock.calls[1][0])).toEqual([0xd0, 0x07]);
    });

    test.each([0, 65536, 1.5, Number.NaN])('refuses %s ms without writing', async ms => {
      const { device, source } = await connected(microbitProfile());
      await expect(source.setPeriod(ms)).rejects.toThrow(/from 1 to 65535/);
      expect(device.current(MICROBIT_PERIOD)[0].writeValueWithResponse).not.toHaveBeenCalled();
    });

    test('a micro:bit that answers with too few bytes: rejects in words', async () => {
      const profile = microbitProfile();
      profile[MICROBIT_SERVICE][MICROBIT_PERIOD].onWrite = () => [0x01];
      const { source } = await connected(profile);
      await expect(source.setPeriod(1000)).rejects.toThrow('did not say which period it chose');
    });

    test('on an Environmental Sensing sensor: rejects, only the micro:bit has a period', async () => {
      const { source } = await connected(essProfile(true));
      await expect(source.setPeriod(1000)).rejects.toThrow(/only the micro:bit temperature service/);
    });

    test('before connecting: rejects, not connected', async () => {
      const { source } = make();
      await expect(source.setPeriod(1000)).rejects.toThrow(/not connected/);
    });

    test('while the micro:bit is out of reach, or after stop(): rejects, not connected', async () => {
      const { device, source } = await connected(microbitProfile());
      device.goAway();
      await expect(source.setPeriod(1000)).rejects.toThrow(/not connected/);
      await source.stop();
      await expect(source.setPeriod(1000)).rejects.toThrow(/not connected/);
      expect(device.characteristics.every(c => c.writeValueWithResponse.mock.calls.length === 0)).toBe(true);
    });
  });

  describe('send()', () => {
    test('rejects, pointing to set_period', async () => {
      const { source } = await connected(microbitProfile());
      // Called as the hub calls any source: with a line.
      const asSource: ISource = source;
      await expect(asSource.send('target 21.5')).rejects.toThrow(/logger\.set_period\(ms\)/);
      const unconnected: ISource = make().source;
      await expect(unconnected.send('x')).rejects.toThrow(/take no text lines/);
    });
  });
});
