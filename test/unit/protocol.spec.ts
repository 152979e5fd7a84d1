import {
  batchMessage,
  IBatchMessage,
  IOpenData,
  ISendLineMessage,
  ISendResultMessage,
  openData,
  parseKernelMessage,
  parseSendLine,
  PROTOCOL_VERSION,
  sendResultMessage,
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

  test.each(['hello.json', 'ack.json', 'refused.json'])(
    'parseKernelMessage reads %s',
    name => {
      const data = protocolFixture(name);
      expect(parseKernelMessage(data)).toStrictEqual(data);
    }
  );

  test('parseKernelMessage reads a refusal without a seq', () => {
    const data = { type: 'refused', seq: null, reason: 'no logger "x"' };
    expect(parseKernelMessage(data)).toStrictEqual(data);
  });

  test('parseKernelMessage keeps only the fields of the protocol', () => {
    const data = { ...protocolFixture<object>('ack.json'), extra: 'ignored' };
    expect(parseKernelMessage(data)).toStrictEqual(protocolFixture('ack.json'));
  });

  test('post_now.json is the Logger widget message the browser sends', () => {
    // The type `WidgetMessage` only admits this shape; the fixture must match it.
    const postNow: WidgetMessage = { type: 'post_now' };
    expect(protocolFixture('post_now.json')).toStrictEqual(postNow);
  });

  const invalid = protocolFixture<IInvalidExample[]>(
    'invalid-kernel-messages.json'
  );

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
  test('sendResultMessage builds send_result.json (the line was sent)', () => {
    const expected = protocolFixture<ISendResultMessage>('send_result.json');
    const message = sendResultMessage(1, null);
    expect(message).toStrictEqual(expected);
    expect(JSON.parse(JSON.stringify(message))).toStrictEqual(expected);
  });

  test('sendResultMessage builds send_result-error.json (the line was not sent)', () => {
    const expected = protocolFixture<ISendResultMessage>('send_result-error.json');
    expect(typeof expected.error).toBe('string');
    expect(expected.error).not.toBe('');
    const message = sendResultMessage(2, expected.error);
    expect(message).toStrictEqual(expected);
    expect(JSON.parse(JSON.stringify(message))).toStrictEqual(expected);
  });

  test('parseSendLine reads send_line.json', () => {
    const data = protocolFixture<ISendLineMessage>('send_line.json');
    expect(parseSendLine(data)).toStrictEqual(data);
  });

  test('parseSendLine keeps only the fields of the protocol', () => {
    const data = { ...protocolFixture<object>('send_line.json'), extra: 'ignored' };
    expect(parseSendLine(data)).toStrictEqual(protocolFixture('send_line.json'));
  });

  const invalidSendLines = protocolFixture<IInvalidExample[]>(
    'invalid-send-lines.json'
  );

  test('invalid-send-lines.json is not empty', () => {
    expect(invalidSendLines.length).toBeGreaterThan(0);
  });

  test.each(invalidSendLines.map(({ why, message }) => [why, message] as const))(
    'parseSendLine rejects: %s',
    (_why, message) => {
      expect(parseSendLine(message)).toBeNull();
    }
  );

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'send_line'],
    ['a kernel message', protocolFixture('ack.json')]
  ])('parseSendLine rejects %s', (_why, message) => {
    expect(parseSendLine(message)).toBeNull();
  });
});
