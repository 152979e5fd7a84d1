/**
 * A Bluetooth sensor emulated by Chromium itself (DevTools' BluetoothEmulation domain):
 * the page's real Web Bluetooth code talks to it; the test answers its GATT operations.
 */
import type { Browser, CDPSession, Page } from '@playwright/test';

export const ESS = '0000181a-0000-1000-8000-00805f9b34fb';
export const TEMPERATURE = '00002a6e-0000-1000-8000-00805f9b34fb';
export const HUMIDITY = '00002a6f-0000-1000-8000-00805f9b34fb';

/** The sensor made last in this test process: its session holds the browser's emulation. */
let latest: EmulatedSensor | null = null;

export class EmulatedSensor {
  private constructor(
    private browserSession: CDPSession,
    readonly address: string
  ) {}

  /** Values the sensor answers reads with, by characteristic UUID. */
  values = new Map<string, number[]>();
  reads = 0;
  connects = 0;

  static async create(browser: Browser, page: Page, name: string): Promise<EmulatedSensor> {
    const session = await browser.newBrowserCDPSession();
    const sensor = new EmulatedSensor(session, '09:09:09:09:09:09');
    // The emulation belongs to the browser, which the specs of a run share: an earlier spec's is
    // switched off first, on the session that switched it on (it is an error to enable it twice).
    await latest?.browserSession.send('BluetoothEmulation.disable' as any).catch(() => undefined);
    latest = sensor;
    await session.send('BluetoothEmulation.enable' as any, { state: 'powered-on', leSupported: true });
    await session.send('BluetoothEmulation.simulatePreconnectedPeripheral' as any, {
      address: sensor.address,
      name,
      manufacturerData: [],
      knownServiceUuids: [ESS]
    });
    await sensor.addService();
    // Connecting and discovering wait for an answer from the "radio": always success.
    session.on('BluetoothEmulation.gattOperationReceived' as any, (event: any) => {
      if (event.type === 'connection') {
        sensor.connects++;
      }
      void session.send('BluetoothEmulation.simulateGATTOperationResponse' as any, {
        address: event.address,
        type: event.type,
        code: 0
      });
    });
    session.on('BluetoothEmulation.characteristicOperationReceived' as any, (event: any) => {
      if (event.type !== 'read') {
        return;
      }
      sensor.reads++;
      const bytes = sensor.values.get(sensor.byId.get(event.characteristicId) as string) ?? [];
      void session.send('BluetoothEmulation.simulateCharacteristicOperationResponse' as any, {
        characteristicId: event.characteristicId,
        type: 'read',
        code: 0,
        data: Buffer.from(bytes).toString('base64')
      });
    });
    // The chooser: pick the sensor once per prompt (choosing twice crashes the browser).
    const pageSession = await page.context().newCDPSession(page);
    await pageSession.send('DeviceAccess.enable' as any);
    const answered = new Set<string>();
    pageSession.on('DeviceAccess.deviceRequestPrompted' as any, (event: any) => {
      const device = event.devices?.[0];
      if (!device || answered.has(event.id)) {
        return;
      }
      answered.add(event.id);
      void pageSession.send('DeviceAccess.selectPrompt' as any, { id: event.id, deviceId: device.id });
    });
    return sensor;
  }

  /** The Environmental Sensing service with temperature and humidity, readable. */
  async addService(): Promise<void> {
    const session = this.browserSession;
    const { serviceId } = (await session.send('BluetoothEmulation.addService' as any, {
      address: this.address,
      serviceUuid: ESS
    })) as any;
    for (const uuid of [TEMPERATURE, HUMIDITY]) {
      const { characteristicId } = (await session.send('BluetoothEmulation.addCharacteristic' as any, {
        serviceId,
        characteristicUuid: uuid,
        properties: { read: true }
      })) as any;
      this.byId.set(characteristicId, uuid);
    }
  }

  /** The sensor goes out of reach (the emulation forgets its services then). */
  async disconnect(): Promise<void> {
    await this.browserSession.send('BluetoothEmulation.simulateGATTDisconnection' as any, { address: this.address });
  }

  /** The sensor is back in reach, its services with it. */
  async comeBack(): Promise<void> {
    await this.addService();
  }

  private byId = new Map<string, string>();
}

/** Little-endian bytes of an Environmental Sensing temperature (0.01 °C) or humidity (0.01 %). */
export function hundredths(value: number): number[] {
  const raw = Math.round(value * 100) & 0xffff;
  return [raw & 0xff, raw >> 8];
}
