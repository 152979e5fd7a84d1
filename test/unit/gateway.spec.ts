// A radio gateway's lines: each sending micro:bit becomes a device of its own (`microbit-<s>`), named by the text it sends.
import { LineParser, senderSource, sentBy } from '../../src/sources/lines';
import { serialTestbed, waitFor } from './serial-testbed';

describe('LineParser on a radio gateway', () => {
  it('gives each packet its sender, and the name that sender sent last', () => {
    const parser = new LineParser();
    const results = [
      '{"t":10,"s":1923449,"n":"temp","v":21}',
      '{"t":11,"s":1923449,"n":"group 1"}',
      '{"t":12,"s":-73121,"n":"light","v":140}',
      '{"t":13,"s":1923449,"n":"light","v":90}',
      '{"t":14,"s":-73121,"n":"group 2"}',
      '{"t":15,"s":1923449,"n":"Ana & Bo"}',
      '{"t":16,"s":-73121,"n":"temp","v":19}',
      '{"t":17,"s":1923449,"n":"temp","v":22}'
    ].map(line => parser.parse(line));
    expect(results.map(sentBy)).toEqual([
      { source: 'microbit-1923449' },
      { source: 'microbit-1923449', device: 'group 1' },
      { source: 'microbit--73121' },
      { source: 'microbit-1923449', device: 'group 1' },
      { source: 'microbit--73121', device: 'group 2' },
      { source: 'microbit-1923449', device: 'Ana & Bo' },
      { source: 'microbit--73121', device: 'group 2' },
      { source: 'microbit-1923449', device: 'Ana & Bo' }
    ]);
    // A name is no reading and no problem.
    expect(results[1]).toEqual({ values: null, bad: [], sender: 1923449, device: 'group 1' });
    expect(results[7].values).toEqual({ temp: 22 });
  });

  it('keeps a name to 64 characters, without the spaces around it', () => {
    const parser = new LineParser({ format: 'radio' });
    const name = `  ${'x'.repeat(70)} `;
    expect(parser.parse(JSON.stringify({ t: 1, s: 5, n: name })).device).toBe('x'.repeat(64));
  });

  it('takes no empty text and no buffer for a name', () => {
    const parser = new LineParser({ format: 'radio' });
    for (const line of ['{"t":1,"s":5,"n":"  "}', '{"t":1,"s":5,"n":"x","b":"AAE="}']) {
      const result = parser.parse(line);
      expect(result.device).toBeUndefined();
      expect(result.bad.map(problem => problem.reason)).toEqual(['a packet from a micro:bit, not a number']);
    }
    expect(parser.parse('{"t":2,"s":5,"v":1}').device).toBeUndefined();
  });

  it('gives lines that are no radio packets no sender: they stay the device’s own', () => {
    const parser = new LineParser();
    const result = parser.parse('temperature:21');
    expect(sentBy(result)).toEqual({});
    expect(senderSource(0)).toBe('microbit-0');
  });
});

describe('SerialSource with a radio gateway on USB', () => {
  const { connected } = serialTestbed();

  it('gives one reading per packet, each the sending micro:bit’s, with its name once it sent one', async () => {
    const { port, readings, source } = await connected();
    port.print('{"t":1,"s":7,"n":"temp","v":20}\r\n'); // the first line after opening is dropped
    port.print(
      [
        '{"t":3021,"s":1923449,"n":"temp","v":21}',
        '{"t":3022,"s":1923449,"n":"light","v":134}',
        '{"t":3030,"s":-73121,"n":"group 2"}',
        '{"t":3040,"s":-73121,"n":"temp","v":19}',
        '{"t":3050,"s":1923449,"n":"group 1"}',
        '{"t":4021,"s":1923449,"n":"temp","v":22}',
        ''
      ].join('\r\n')
    );
    await waitFor(() => readings.length === 4, 'four readings');
    expect(readings.map(({ values, source, device }) => ({ values, source, device }))).toEqual([
      { values: { temp: 21 }, source: 'microbit-1923449', device: undefined },
      { values: { light: 134 }, source: 'microbit-1923449', device: undefined },
      { values: { temp: 19 }, source: 'microbit--73121', device: 'group 2' },
      { values: { temp: 22 }, source: 'microbit-1923449', device: 'group 1' }
    ]);
    expect('device' in readings[0]).toBe(false);
    expect(source.health).toMatchObject({ lines: 6, readings: 4, badLines: 0, badValues: 0 });
  });

  it('gives readings of lines that are no radio packets the USB device’s own id', async () => {
    const { port: board, readings: own } = await connected();
    board.print('\r\ntemperature:21\r\n');
    await waitFor(() => own.length === 1, 'a reading');
    expect(own[0]).toMatchObject({ source: 'usb', values: { temperature: 21 } });
    expect('device' in own[0]).toBe(false);
  });
});
