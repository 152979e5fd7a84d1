// Readings a notebook makes in Python (`logger.record`): a source the page never reads, so they are charted and listed like a device's.
import { SourceBase } from './base';
import { trans } from '../i18n';

export class NotebookSource extends SourceBase {
  readonly transport = 'notebook' as const;
  readonly units = {};

  constructor() {
    super('python', trans.__('Python in the notebook'));
    this.setState('connected'); // the kernel sends its readings whenever it makes them
  }

  async start(): Promise<void> {
    // Nothing to open: the readings come from the kernel.
  }

  async stop(): Promise<void> {
    // Nothing to close.
  }

  send(): Promise<void> {
    return Promise.reject(new Error(trans.__('Readings made in Python have no device to send a line to.')));
  }
}
