/** A Logger closed or replaced in the kernel: the page stops feeding it and lets its readings comm go. */
import { DeviceHub } from '../../src/hub';
import { SimulatedSource } from '../../src/sources/simulated';
import { createLoggerModel } from '../../src/widget/model';
import { FakeKernel, ManualBoard } from './fakes';

describe("a Logger's link", () => {
  let hub: DeviceHub;
  let kernel: FakeKernel;
  let LoggerModel: ReturnType<typeof createLoggerModel>;

  /** The model a notebook's widget manager makes for `sensorlab.Logger(name=...)`. */
  function logger(name: string, id: string) {
    return new LoggerModel({ name, source: 'simulated' }, { model_id: id, widget_manager: { kernel } } as never);
  }

  beforeEach(() => {
    hub = new DeviceHub();
    kernel = new FakeKernel();
    LoggerModel = createLoggerModel(hub);
  });

  afterEach(() => hub.dispose());

  test('closes when the kernel replaced its Logger by one with a new name (a typo fixed)', async () => {
    const typo = logger('clas-7b', 'm1') as any;
    const fixed = logger('class-7b', 'm2') as any;
    const [typoComm, fixedComm] = kernel.comms;
    expect(typo.link.channel.isDisposed).toBe(false);
    (hub.simulated() as SimulatedSource).step();
    expect(typo.link.forwarder.stats.pending).toBe(1);
    await typo.close(true); // the kernel closed the old Logger's widget
    expect(typo.link.channel.isDisposed).toBe(true);
    expect(typoComm.isDisposed).toBe(true);
    (hub.simulated() as SimulatedSource).step();
    expect(typo.link.forwarder.stats.pending).toBe(1); // fed no more
    expect(fixed.link.forwarder.stats.pending).toBe(2);
    expect(fixed.link.channel.isDisposed).toBe(false);
    expect(fixedComm.isDisposed).toBe(false);
    expect([...hub.loggers]).toEqual([fixed]);
  });

  test('stays open while a new Logger of the same name uses it', async () => {
    const first = logger('unit', 'm1') as any;
    const second = logger('unit', 'm2') as any;
    expect(second.link).toBe(first.link);
    await first.close(true);
    expect(second.link.channel.isDisposed).toBe(false);
    await second.close(true);
    expect(second.link.channel.isDisposed).toBe(true);
  });

  test('logs every device of its kind when `devices` is empty, else only those it names', () => {
    const boards = ['serial-1', 'serial-2'].map(id => hub.add(new ManualBoard(id, 'USB board')));
    const model = (name: string, devices: string[]) =>
      new LoggerModel({ name, source: 'serial', devices }, {
        model_id: name,
        widget_manager: { kernel }
      } as never) as any;
    const every = model('every', []);
    const one = model('one', ['serial-2']);
    for (const board of boards) {
      (board as any).emitReading({ temperature: 21 });
    }
    expect(every.devices().map((device: { id: string }) => device.id)).toEqual(['serial-1', 'serial-2']);
    expect([every.link.forwarder.stats.pending, one.link.forwarder.stats.pending]).toEqual([2, 1]);
  });
});
