/** A board that prints a new channel name on each line: 64 channels per device, the rest counted as bad values. */
import { DeviceHub } from '../../src/hub';
import { MonitorPanel } from '../../src/monitor/panel';
import { MAX_CHANNELS } from '../../src/sources/base';
import { ManualBoard } from './fakes';
import type { IReading } from '../../src/sources/types';
import { loggerView } from './views';

// jsdom has no canvas to draw on: the charts are counted, not drawn.
jest.mock('uplot', () => jest.fn().mockImplementation(() => ({ setData: jest.fn(), destroy: jest.fn() })));

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

/** A USB board as the serial source reads it (the device boundary): each line a reading. */
class NoisyBoard extends ManualBoard {
  /** One line read: `temperature:21.5 <name>:1`. */
  line(values: Record<string, number>, time: number): IReading {
    this.countLine([], false);
    return this.emitReading(values, time);
  }
}

describe('channels per device', () => {
  let hub: DeviceHub;
  let board: NoisyBoard;
  const sent: IReading[] = [];

  beforeEach(async () => {
    hub = new DeviceHub();
    board = hub.add(new NoisyBoard('serial', 'USB board')) as NoisyBoard;
    await board.start();
    board.readingReceived.connect((_, reading) => sent.push(reading));
    // The time inside the name: a new name on every line, 200 lines.
    for (let i = 0; i < 200; i++) {
      board.line({ temperature: 21.5, [`t${i}`]: 1 }, T0 + i * 1000);
    }
  });

  afterEach(() => {
    sent.length = 0;
    hub.dispose();
  });

  test('names past the first 64 are counted as bad values, shown with the name, never sent or kept', () => {
    expect(MAX_CHANNELS).toBe(64);
    const health = board.health;
    expect(health.badValues).toBe(200 - 63);
    expect(health.recent.at(-1)).toMatchObject({ reason: 'more than 64 channel names', text: 't199' });
    expect(new Set(sent.flatMap(reading => Object.keys(reading.values))).size).toBe(64);
    expect(sent.at(-1)!.values).toEqual({ temperature: 21.5 });
    expect(hub.history('serial').channels).toHaveLength(64);
    expect(health.readings).toBe(200);
  });

  test('a reading of only names past the cap is not sent at all', () => {
    board.line({ late: 1 }, T0 + 300_000);
    expect(sent).toHaveLength(200);
    expect(board.health.badValues).toBe(200 - 63 + 1);
  });

  test('the sidebar draws 64 charts for the device and counts the rest', () => {
    const panel = new MonitorPanel(hub);
    const card = panel.node.querySelector('[data-source="serial"]')!;
    expect(card.querySelectorAll('.jp-sensorlab-Chart')).toHaveLength(64);
    expect(card.querySelectorAll('.jp-sensorlab-Logger-value')).toHaveLength(1); // the last line's values
    expect(card.textContent).toContain('137 values were not numbers');
    panel.dispose();
  });

  test('the notebook widget shows at most 64 values and one chart of a line with 100 names', () => {
    const wide = hub.add(new NoisyBoard('wide', 'Wide board')) as NoisyBoard;
    wide.line(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`v${i}`, i])), T0);
    const view = loggerView(hub, 'wide', '', wide);
    expect(view.el.querySelectorAll('.jp-sensorlab-Logger-value')).toHaveLength(64);
    expect(view.el.querySelectorAll('.jp-sensorlab-Chart')).toHaveLength(1);
    expect(wide.health.badValues).toBe(36);
    view.remove();
  });
});
