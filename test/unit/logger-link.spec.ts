/** A Logger closed or replaced in the kernel: the page stops feeding it and lets its readings comm go. */
import { Signal } from '@lumino/signaling';
import { DeviceHub } from '../../src/hub';
import { SimulatedSource } from '../../src/sources/simulated';
import { createLoggerModel } from '../../src/widget/model';

/** A readings comm of the fake kernel: records whether it was closed. */
class FakeComm {
  isDisposed = false;
  onMsg: unknown = null;
  onClose: unknown = null;
  open(): { done: Promise<void> } {
    return { done: Promise.resolve() };
  }
  send(): void {}
  close(): void {
    this.isDisposed = true;
  }
}

/** The kernel connection of a notebook (the page's boundary to Jupyter): the comms the page opens. */
class FakeKernel {
  readonly id = 'kernel-1';
  isDisposed = false;
  readonly statusChanged = new Signal<this, string>(this);
  readonly disposed = new Signal<this, void>(this);
  readonly comms: FakeComm[] = [];
  createComm(): FakeComm {
    const comm = new FakeComm();
    this.comms.push(comm);
    return comm;
  }
}

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
    (hub.sourceFor('simulated') as SimulatedSource).step();
    expect(typo.link.forwarder.stats.pending).toBe(1);
    await typo.close(true); // the kernel closed the old Logger's widget
    expect(typo.link.channel.isDisposed).toBe(true);
    expect(typoComm.isDisposed).toBe(true);
    (hub.sourceFor('simulated') as SimulatedSource).step();
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
});
