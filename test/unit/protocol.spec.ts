import {
  batchMessage,
  deviceName,
  IBatchMessage,
  IRecordedMessage,
  MAX_DEVICE_NAME_LENGTH,
  parseRecorded,
  IOpenData,
  DeviceRequest,
  deviceResultMessage,
  IDeviceResultMessage,
  openData,
  parseDeviceRequest,
  parseKernelMessage,
  PROTOCOL_VERSION,
  WidgetMessage
} from '../../src/protocol';
import { IInvalidExample, protocolFixture } from './fixtures';

describe('protocol (browser side) against test/fixtures/protocol', () => {
  test('openData builds open.json', () => {
    const expected = protocolFixture<IOpenData>('open.json');
    expect(openData('class-7b', expected.stream)).toStrictEqual(expected);
    expect(expected.protocol).toBe(PROTOCOL_VERSION);
  });

  test('batchMessage builds batch.json', () => {
    const expected = protocolFixture<IBatchMessage>('batch.json');
    const message = batchMessage(3, expected.readings);
    expect(message).toStrictEqual(expected);
    // What the comm sends is JSON: the message survives the round trip unchanged.
    expect(JSON.parse(JSON.stringify(message))).toStrictEqual(expected);
  });

  test('batchMessage builds batch-from-several-devices.json: each reading keeps its device name', () => {
    const expected = protocolFixture<IBatchMessage>('batch-from-several-devices.json');
    expect(expected.readings.some(r => r.device === undefined)).toBe(true);
    expect(expected.readings.some(r => r.device !== undefined)).toBe(true);
    const message = batchMessage(expected.seq, expected.readings);
    expect(JSON.parse(JSON.stringify(message))).toStrictEqual(expected);
  });

  const names = protocolFixture<{ why: string; typed: unknown; name: string | null }[]>('device-names.json');

  test.each(names.map(({ why, typed, name }) => [why, typed, name] as const))('deviceName: %s', (_why, typed, name) => {
    const made = deviceName(typed);
    expect(made).toBe(name);
    // At most 64 characters as the kernel counts them (code points, not UTF-16 units).
    expect(Array.from(made ?? '').length).toBeLessThanOrEqual(MAX_DEVICE_NAME_LENGTH);
  });

  test('parseRecorded reads recorded.json, the readings a notebook made in Python', () => {
    const data = protocolFixture<IRecordedMessage>('recorded.json');
    expect(parseRecorded(data)).toStrictEqual(data);
    expect(parseRecorded({ ...data, extra: 1 })).toStrictEqual(data);
  });

  test('parseRecorded leaves out readings it cannot chart, and refuses other messages', () => {
    const good = protocolFixture<IRecordedMessage>('recorded.json').readings[0];
    const bad = [
      { ...good, time: '12:00' },
      { ...good, values: { temperature: 'warm' } },
      { ...good, values: null },
      { ...good, source: 7 },
      null
    ];
    expect(parseRecorded({ type: 'recorded', readings: [...bad, good] })).toStrictEqual({
      type: 'recorded',
      readings: [good]
    });
    expect(parseRecorded({ type: 'recorded', readings: [{ ...good, device: '' }] })).toStrictEqual({
      type: 'recorded',
      readings: [{ time: good.time, values: good.values, source: good.source }]
    });
    expect(parseRecorded({ type: 'recorded' })).toBeNull();
    expect(parseRecorded(protocolFixture('batch.json'))).toBeNull();
    expect(parseRecorded(null)).toBeNull();
  });

  test.each(['hello.json', 'ack.json', 'refused.json', 'not_stored.json'])('parseKernelMessage reads %s', name => {
    const data = protocolFixture(name);
    expect(parseKernelMessage(data)).toStrictEqual(data);
  });

  test('parseKernelMessage reads a refusal without a seq', () => {
    const data = { type: 'refused', seq: null, reason: 'no logger "x"' };
    expect(parseKernelMessage(data)).toStrictEqual(data);
  });

  test('parseKernelMessage keeps only the fields of the protocol', () => {
    const data = { ...protocolFixture<object>('ack.json'), extra: 'ignored' };
    expect(parseKernelMessage(data)).toStrictEqual(protocolFixture('ack.json'));
  });

  test("batchMessage builds a batch of the comm's own stream: no stream key", () => {
    const message = batchMessage(0, []);
    expect('stream' in message).toBe(false);
    expect(Object.keys(message).sort()).toEqual(['readings', 'seq', 'type']);
    expect('stream' in JSON.parse(JSON.stringify(batchMessage(3, [])))).toBe(false);
  });

  test('batch-left-by-an-earlier-page.json is a batch naming its stream', () => {
    const expected = protocolFixture<IBatchMessage>('batch-left-by-an-earlier-page.json');
    expect(typeof expected.stream).toBe('string');
    // How the forwarder builds a leftover batch.
    const message: IBatchMessage = {
      ...batchMessage(expected.seq, expected.readings),
      stream: expected.stream
    };
    expect(message).toStrictEqual(expected);
  });

  test('parseKernelMessage reads ack-left-by-an-earlier-page.json, keeping its stream', () => {
    const data = protocolFixture<{ stream: string }>('ack-left-by-an-earlier-page.json');
    expect(typeof data.stream).toBe('string');
    expect(parseKernelMessage(data)).toStrictEqual(data);
    expect(parseKernelMessage({ ...data, extra: 1 })).toStrictEqual(data);
  });

  test.each([
    ['an ack', { type: 'ack', seq: 7, stream: 's-1' }],
    ['a refusal', { type: 'refused', seq: 7, reason: 'bad values', stream: 's-1' }],
    ['a refusal without a seq', { type: 'refused', seq: null, reason: 'unreadable', stream: 's-1' }]
  ])('parseKernelMessage keeps the stream of %s', (_why, data) => {
    expect(parseKernelMessage(data)).toStrictEqual(data);
  });

  test.each([
    ['an ack', { type: 'ack', seq: 7 }],
    ['a refusal', { type: 'refused', seq: 7, reason: 'bad values' }]
  ])('parseKernelMessage adds no stream key to %s without one', (_why, data) => {
    const parsed = parseKernelMessage(data);
    expect(parsed).toStrictEqual(data);
    expect('stream' in parsed!).toBe(false);
    // An explicit undefined (not JSON, but possible) is the same as no stream.
    expect(parseKernelMessage({ ...data, stream: undefined })).toStrictEqual(data);
  });

  test.each([
    ['an ack with a numeric stream', { type: 'ack', seq: 7, stream: 3 }],
    ['an ack with a null stream', { type: 'ack', seq: 7, stream: null }],
    ['an ack with an object stream', { type: 'ack', seq: 7, stream: { id: 's-1' } }],
    ['a refusal with a numeric stream', { type: 'refused', seq: 7, reason: 'r', stream: 3 }],
    ['a refusal without a seq, with a numeric stream', { type: 'refused', seq: null, reason: 'r', stream: 3 }],
    ['a refusal with a boolean stream', { type: 'refused', seq: 7, reason: 'r', stream: true }]
  ])('parseKernelMessage rejects %s', (_why, data) => {
    expect(parseKernelMessage(data)).toBeNull();
  });

  test('post_now.json is the Logger widget message the browser sends', () => {
    // The type `WidgetMessage` only admits this shape; the fixture must match it.
    const postNow: WidgetMessage = { type: 'post_now' };
    expect(protocolFixture('post_now.json')).toStrictEqual(postNow);
  });

  test('alive.json is the message an open page sends every ALIVE_EVERY_MS', () => {
    const alive: WidgetMessage = { type: 'alive' };
    expect(protocolFixture('alive.json')).toStrictEqual(alive);
  });

  const invalid = protocolFixture<IInvalidExample[]>('invalid-kernel-messages.json');

  test('invalid-kernel-messages.json is not empty', () => {
    expect(invalid.length).toBeGreaterThan(0);
  });

  test.each(invalid.map(({ why, message }) => [why, message] as const))(
    'parseKernelMessage rejects: %s',
    (_why, message) => {
      expect(parseKernelMessage(message)).toBeNull();
    }
  );

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 3],
    ['a batch (browser → kernel, not kernel → browser)', protocolFixture('batch.json')]
  ])('parseKernelMessage rejects %s', (_why, message) => {
    expect(parseKernelMessage(message)).toBeNull();
  });
  test.each([
    ['device_result.json', [1, null, null]],
    ['device_result-error.json', null],
    ['device_result-period.json', [3, null, 992]]
  ] as const)('deviceResultMessage builds %s', (name, args) => {
    const expected = protocolFixture<IDeviceResultMessage>(name);
    const [id, error, value] = args ?? [expected.id, expected.error, expected.value];
    expect(deviceResultMessage(id, error, value)).toStrictEqual(expected);
  });

  test.each(['device_request-send_line.json', 'device_request-set_period.json'])(
    'parseDeviceRequest reads %s',
    name => {
      const data = protocolFixture<DeviceRequest>(name);
      expect(parseDeviceRequest(data)).toStrictEqual(data);
      expect(parseDeviceRequest({ ...data, extra: 'ignored' })).toStrictEqual(data);
    }
  );

  const invalidRequests = protocolFixture<IInvalidExample[]>('invalid-device-requests.json');

  test('invalid-device-requests.json is not empty', () => {
    expect(invalidRequests.length).toBeGreaterThan(0);
  });

  test.each(invalidRequests.map(({ why, message }) => [why, message] as const))(
    'parseDeviceRequest rejects: %s',
    (_why, message) => {
      expect(parseDeviceRequest(message)).toBeNull();
    }
  );

  test.each([
    ['null', null],
    ['a string', 'device_request'],
    ['a kernel message', { type: 'ack', seq: 1 }]
  ])('parseDeviceRequest rejects %s', (_why, message) => {
    expect(parseDeviceRequest(message)).toBeNull();
  });
});
