import {
  CHARACTERISTICS,
  decodePeriod,
  encodePeriod,
  ENVIRONMENTAL_SENSING,
  ICharacteristicKind,
  MICROBIT_TEMPERATURE,
  MICROBIT_TEMPERATURE_PERIOD,
  MICROBIT_TEMPERATURE_SERVICE,
  sigUuid
} from '../../src/sources/gatt';

/** The bytes as the radio delivers them, first byte first (GATT is little-endian). */
function bytes(...values: number[]): DataView {
  return new DataView(new Uint8Array(values).buffer);
}

function kind(uuid: string): ICharacteristicKind {
  const found = CHARACTERISTICS.find(k => k.uuid === uuid);
  if (!found) {
    throw new Error(`no characteristic ${uuid}`);
  }
  return found;
}

const TEMPERATURE = kind('00002a6e-0000-1000-8000-00805f9b34fb');
const HUMIDITY = kind('00002a6f-0000-1000-8000-00805f9b34fb');
const PRESSURE = kind('00002a6d-0000-1000-8000-00805f9b34fb');
const ILLUMINANCE = kind('00002afb-0000-1000-8000-00805f9b34fb');
const MICROBIT = kind('e95d9250-251d-470a-a062-fa1922dfa9a8');

describe('sigUuid and the service UUIDs', () => {
  test('a 16-bit SIG UUID in its 128-bit form, lower case', () => {
    expect(sigUuid(0x181a)).toBe('0000181a-0000-1000-8000-00805f9b34fb');
    expect(sigUuid(0x2a6e)).toBe('00002a6e-0000-1000-8000-00805f9b34fb');
    expect(sigUuid(0x0001)).toBe('00000001-0000-1000-8000-00805f9b34fb');
  });

  test('the services and the micro:bit characteristics as the facts give them', () => {
    expect(ENVIRONMENTAL_SENSING).toBe('0000181a-0000-1000-8000-00805f9b34fb');
    expect(MICROBIT_TEMPERATURE_SERVICE).toBe('e95d6100-251d-470a-a062-fa1922dfa9a8');
    expect(MICROBIT_TEMPERATURE).toBe('e95d9250-251d-470a-a062-fa1922dfa9a8');
    expect(MICROBIT_TEMPERATURE_PERIOD).toBe('e95d1b25-251d-470a-a062-fa1922dfa9a8');
  });
});

describe('CHARACTERISTICS', () => {
  test('the five known characteristics, each once, with a channel and a unit', () => {
    const uuids = CHARACTERISTICS.map(k => k.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(uuids.sort()).toEqual(
      [
        '00002a6d-0000-1000-8000-00805f9b34fb',
        '00002a6e-0000-1000-8000-00805f9b34fb',
        '00002a6f-0000-1000-8000-00805f9b34fb',
        '00002afb-0000-1000-8000-00805f9b34fb',
        'e95d9250-251d-470a-a062-fa1922dfa9a8'
      ].sort()
    );
    for (const k of CHARACTERISTICS) {
      expect(k.unit).not.toBe('');
      expect(k.channel).not.toBe('');
    }
  });

  test.each([
    [TEMPERATURE, 'temperature', '°C'],
    [HUMIDITY, 'humidity', '%'],
    [PRESSURE, 'pressure', 'hPa'],
    [ILLUMINANCE, 'illuminance', 'lx'],
    [MICROBIT, 'temperature', '°C']
  ])('%# channel %s, unit %s', (k, channel, unit) => {
    expect(k.channel).toBe(channel);
    expect(k.unit).toBe(unit);
  });

  test('not the health thermometer 0x2A1C (a different format)', () => {
    expect(CHARACTERISTICS.map(k => k.uuid)).not.toContain(sigUuid(0x2a1c));
  });
});

describe('temperature 0x2A6E: sint16, 0.01 °C, -32768 unknown', () => {
  test('66 08 is 21.5 °C (the value measured in Chromium)', () => {
    expect(TEMPERATURE.decode(new DataView(new Uint8Array([0x66, 0x08]).buffer))).toBe(21.5);
  });

  test.each([
    [[0x00, 0x00], 0],
    [[0x01, 0x00], 0.01],
    [[0xff, 0xff], -0.01],
    [[0xf3, 0xfd], -5.25], // -525 = 0xFDF3
    [[0x0c, 0xfe], -5], // -500 = 0xFE0C
    [[0xff, 0x7f], 327.67], // 32767, the largest
    [[0x01, 0x80], -327.67], // -32767, the smallest known value
    [[0x2d, 0x09], 23.49], // 2349: no binary rounding noise
    [[0x66, 0x08, 0x99], 21.5] // a byte more is ignored
  ])('%j → %s', (data, expected) => {
    expect(TEMPERATURE.decode(bytes(...data))).toBe(expected);
  });

  test('00 80 (-32768) is unknown', () => {
    expect(TEMPERATURE.decode(bytes(0x00, 0x80))).toBeNull();
  });

  test.each([[[]], [[0x66]]])('too few bytes %j → null', data => {
    expect(TEMPERATURE.decode(bytes(...data))).toBeNull();
  });

  test('reads from the start of the view, not of its buffer', () => {
    const buffer = new Uint8Array([0xaa, 0x66, 0x08]).buffer;
    expect(TEMPERATURE.decode(new DataView(buffer, 1, 2))).toBe(21.5);
    expect(TEMPERATURE.decode(new DataView(buffer, 2, 1))).toBeNull();
  });
});

describe('humidity 0x2A6F: uint16, 0.01 %', () => {
  test.each([
    [[0xa0, 0x0f], 40], // 4000
    [[0x00, 0x00], 0],
    [[0x10, 0x27], 100], // 10000
    [[0x01, 0x00], 0.01],
    [[0x5b, 0x15], 54.67], // 0x155B = 5467
    [[0xfe, 0xff], 655.34] // 0xFFFE: outside 0–100 %, but not the "unknown" pattern
  ])('%j → %s %', (data, expected) => {
    expect(HUMIDITY.decode(bytes(...data))).toBe(expected);
  });

  test('FF FF is read as unknown', () => {
    expect(HUMIDITY.decode(bytes(0xff, 0xff))).toBeNull();
  });

  test.each([[[]], [[0xa0]]])('too few bytes %j → null', data => {
    expect(HUMIDITY.decode(bytes(...data))).toBeNull();
  });
});

describe('pressure 0x2A6D: uint32, 0.1 Pa, shown in hPa', () => {
  test.each([
    [[0x02, 0x76, 0x0f, 0x00], 1013.25], // 1013250 × 0.1 Pa = 101325 Pa
    [[0x00, 0x00, 0x00, 0x00], 0],
    [[0x01, 0x00, 0x00, 0x00], 0.001], // 0.1 Pa, the step
    [[0x0a, 0x00, 0x00, 0x00], 0.01], // 1 Pa
    [[0xe8, 0x03, 0x00, 0x00], 1], // 1000 × 0.1 Pa = 100 Pa = 1 hPa
    [[0xff, 0xff, 0xff, 0xff], 4294967.295] // 4294967295 × 0.1 Pa = 429496729.5 Pa: unsigned, no sentinel
  ])('%j → %s hPa', (data, expected) => {
    expect(PRESSURE.decode(bytes(...data))).toBe(expected);
  });

  test.each([[[]], [[0x02, 0x76, 0x0f]]])('too few bytes %j → null', data => {
    expect(PRESSURE.decode(bytes(...data))).toBeNull();
  });
});

describe('illuminance 0x2AFB: uint24, 0.01 lux, FF FF FF unknown', () => {
  test.each([
    [[0xa0, 0x86, 0x01], 1000], // 0x0186A0 = 100000
    [[0x00, 0x00, 0x00], 0],
    [[0x01, 0x00, 0x00], 0.01],
    [[0x00, 0x00, 0x01], 655.36], // the third byte is the high one
    [[0xfe, 0xff, 0xff], 167772.14], // 0xFFFFFE, the largest known value
    [[0xa0, 0x86, 0x01, 0x7f], 1000] // a fourth byte is ignored
  ])('%j → %s lx', (data, expected) => {
    expect(ILLUMINANCE.decode(bytes(...data))).toBe(expected);
  });

  test('FF FF FF is unknown', () => {
    expect(ILLUMINANCE.decode(bytes(0xff, 0xff, 0xff))).toBeNull();
  });

  test('FF FF FF with a fourth byte is still unknown', () => {
    expect(ILLUMINANCE.decode(bytes(0xff, 0xff, 0xff, 0x00))).toBeNull();
  });

  test.each([[[]], [[0xa0]], [[0xa0, 0x86]]])('too few bytes %j → null', data => {
    expect(ILLUMINANCE.decode(bytes(...data))).toBeNull();
  });
});

describe('micro:bit temperature e95d9250: int8, whole °C', () => {
  test.each([
    [[0x15], 21],
    [[0x00], 0],
    [[0x7f], 127],
    [[0xff], -1],
    [[0xfb], -5],
    [[0x80], -128],
    [[0x15, 0x99], 21] // a byte more is ignored
  ])('%j → %s', (data, expected) => {
    expect(MICROBIT.decode(bytes(...data))).toBe(expected);
  });

  test('no bytes → null', () => {
    expect(MICROBIT.decode(bytes())).toBeNull();
  });
});

describe('the micro:bit temperature period: uint16 ms', () => {
  function written(data: DataView): number[] {
    return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  test.each([
    [1000, [0xe8, 0x03]],
    [1, [0x01, 0x00]],
    [256, [0x00, 0x01]],
    [65535, [0xff, 0xff]]
  ])('encodePeriod(%s) is %j', (ms, expected) => {
    expect(written(encodePeriod(ms))).toEqual(expected);
  });

  test.each([0, -1, 65536, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'encodePeriod(%s) refuses, saying what it takes',
    ms => {
      expect(() => encodePeriod(ms)).toThrow('The period must be a whole number of milliseconds from 1 to 65535');
      expect(() => encodePeriod(ms)).toThrow(String(ms));
    }
  );

  test.each([1, 20, 992, 1000, 65535])('decodePeriod(encodePeriod(%s)) round-trips', ms => {
    expect(decodePeriod(encodePeriod(ms))).toBe(ms);
  });

  test('decodePeriod reads E0 03 as 992, and ignores a third byte', () => {
    expect(decodePeriod(bytes(0xe0, 0x03))).toBe(992);
    expect(decodePeriod(bytes(0xe0, 0x03, 0x01))).toBe(992);
  });

  test.each([[[]], [[0xe8]]])('decodePeriod(%j) is null', data => {
    expect(decodePeriod(bytes(...data))).toBeNull();
  });
});
