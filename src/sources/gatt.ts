// Bluetooth Low Energy sensor values, decoded from GATT characteristics (all little-endian).
// Pure functions, so every byte pattern is tested without a radio.
import { trans } from '../i18n';

/** A 16-bit Bluetooth SIG UUID in its full 128-bit form, as Web Bluetooth reports it. */
export function sigUuid(short: number): string {
  return `0000${short.toString(16).padStart(4, '0')}-0000-1000-8000-00805f9b34fb`;
}

export const ENVIRONMENTAL_SENSING = sigUuid(0x181a);
export const MICROBIT_TEMPERATURE_SERVICE = 'e95d6100-251d-470a-a062-fa1922dfa9a8';
export const MICROBIT_TEMPERATURE = 'e95d9250-251d-470a-a062-fa1922dfa9a8';
export const MICROBIT_TEMPERATURE_PERIOD = 'e95d1b25-251d-470a-a062-fa1922dfa9a8';

/** How one characteristic becomes one named value. */
export interface ICharacteristicKind {
  uuid: string;
  channel: string;
  unit: string;
  /** The value, or null when the device says it does not know it (or sent too few bytes). */
  decode(data: DataView): number | null;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The Environmental Sensing characteristics sensorlab reads, and the micro:bit's temperature. */
export const CHARACTERISTICS: ReadonlyArray<ICharacteristicKind> = [
  {
    // sint16, 0.01 °C; -32768 means "unknown".
    uuid: sigUuid(0x2a6e),
    channel: 'temperature',
    unit: '°C',
    decode: data => {
      if (data.byteLength < 2) {
        return null;
      }
      const raw = data.getInt16(0, true);
      return raw === -32768 ? null : round(raw / 100, 2);
    }
  },
  {
    // uint16, 0.01 %; 0xFFFF is outside 0–100 % and read as unknown.
    uuid: sigUuid(0x2a6f),
    channel: 'humidity',
    unit: '%',
    decode: data => {
      if (data.byteLength < 2) {
        return null;
      }
      const raw = data.getUint16(0, true);
      return raw === 0xffff ? null : round(raw / 100, 2);
    }
  },
  {
    // uint32, 0.1 Pa; shown in hPa, the unit of weather maps.
    uuid: sigUuid(0x2a6d),
    channel: 'pressure',
    unit: 'hPa',
    decode: data => (data.byteLength < 4 ? null : round(data.getUint32(0, true) / 1000, 4))
  },
  {
    // uint24, 0.01 lux; 0xFFFFFF means "unknown".
    uuid: sigUuid(0x2afb),
    channel: 'illuminance',
    unit: 'lx',
    decode: data => {
      if (data.byteLength < 3) {
        return null;
      }
      const raw = data.getUint16(0, true) + (data.getUint8(2) << 16);
      return raw === 0xffffff ? null : round(raw / 100, 2);
    }
  },
  {
    // The micro:bit's temperature service: int8, whole °C.
    uuid: MICROBIT_TEMPERATURE,
    channel: 'temperature',
    unit: '°C',
    decode: data => (data.byteLength < 1 ? null : data.getInt8(0))
  }
];

/** The micro:bit's temperature period: uint16 milliseconds. */
export function encodePeriod(ms: number): DataView<ArrayBuffer> {
  if (!Number.isInteger(ms) || ms < 1 || ms > 0xffff) {
    // TRANSLATORS: %1 is the period the notebook asked for.
    throw new Error(trans.__('The period must be a whole number of milliseconds from 1 to 65535, not %1.', ms));
  }
  const data = new DataView(new ArrayBuffer(2));
  data.setUint16(0, ms, true);
  return data;
}

export function decodePeriod(data: DataView): number | null {
  return data.byteLength < 2 ? null : data.getUint16(0, true);
}
