// The readings comm the browser opens to the kernel's Logger, reopened after a kernel restart.
import type { Kernel, KernelMessage as KM } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';
import type { IReadingsChannel } from './forwarder';
import { trans } from './i18n';
import { BrowserMessage, KernelMessage, openData, parseKernelMessage, READINGS_TARGET } from './protocol';

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15000;
// How long an open may wait for the kernel's hello while the kernel is idle.
const UNANSWERED_OPEN_MS = 3000;

/**
 * The readings comm to one logger in one kernel, opened by the browser.
 *
 * A browser-opened comm is served on a kernel subshell, so readings keep arriving
 * while a cell runs. It is lost when the kernel restarts (and may be refused until
 * the notebook has created its Logger again), so it is reopened with backoff until
 * the kernel says hello.
 */
export class ReadingsChannel implements IReadingsChannel {
  constructor(
    readonly kernel: Kernel.IKernelConnection,
    readonly logger: string,
    readonly stream: string
  ) {
    kernel.statusChanged.connect(this._onKernelStatus, this);
    kernel.disposed.connect(() => this.dispose(), this);
    this._open();
  }

  get isOpen(): boolean {
    return this._hello;
  }

  get opened(): ISignal<this, void> {
    return this._opened;
  }

  get messageReceived(): ISignal<this, KernelMessage> {
    return this._messageReceived;
  }

  /** Why the channel is not open, in words, or '' when it is. */
  get problem(): string {
    return this._problem;
  }

  send(message: BrowserMessage): void {
    if (this._comm && this._hello && !this._comm.isDisposed) {
      this._comm.send(message as any);
    }
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._clearTimers();
    this._dropComm(true);
    Signal.disconnectReceiver(this);
    Signal.clearData(this);
  }

  private _open(): void {
    if (this._disposed || this.kernel.isDisposed || this._comm) {
      return;
    }
    let comm: Kernel.IComm;
    try {
      comm = this.kernel.createComm(READINGS_TARGET);
    } catch (error) {
      // TRANSLATORS: %1 is the error JupyterLab gave, in its words.
      this._problem = trans.__('Cannot talk to the kernel: %1', String(error));
      this._scheduleRetry();
      return;
    }
    this._comm = comm;
    comm.onMsg = (msg: KM.ICommMsgMsg) => this._onMessage(comm, msg);
    comm.onClose = (msg: KM.ICommCloseMsg) => {
      if (comm !== this._comm) {
        return;
      }
      const reason = (msg.content.data as { reason?: string } | undefined)?.reason;
      this._problem =
        reason ?? trans.__('The kernel does not know sensorlab yet: run the cell that creates the Logger.');
      this._dropComm(false);
      this._scheduleRetry();
    };
    // A refused open (unknown target) arrives as onClose; a failed send as a rejection.
    void comm.open(openData(this.logger, this.stream) as any).done.catch(() => {
      if (comm === this._comm) {
        this._dropComm(false);
        this._scheduleRetry();
      }
    });
  }

  /**
   * An open still unanswered while the kernel has been idle a while was lost: JupyterLite's kernel drops
   * the messages waiting behind a cell that fails in a run-all. Open the channel again.
   */
  private _watchUnanswered(): void {
    if (this._unanswered !== null || !this._comm || this._hello) {
      return;
    }
    const comm = this._comm;
    this._unanswered = setTimeout(() => {
      this._unanswered = null;
      if (comm === this._comm && !this._hello && this.kernel.status === 'idle') {
        this._dropComm(true);
        this._open();
      }
    }, UNANSWERED_OPEN_MS);
  }

  private _onMessage(comm: Kernel.IComm, msg: KM.ICommMsgMsg): void {
    if (comm !== this._comm) {
      return;
    }
    const message = parseKernelMessage(msg.content.data);
    if (!message) {
      return;
    }
    if (message.type === 'hello') {
      this._hello = true;
      this._problem = '';
      this._retryMs = RETRY_MIN_MS;
      this._opened.emit();
    } else {
      this._messageReceived.emit(message);
    }
  }

  private _onKernelStatus(_: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
      // The kernel forgets every comm when it restarts.
      this._problem = trans.__('The kernel is restarting.');
      this._dropComm(false);
      this._clearTimers();
    } else if (status === 'idle' && !this._comm && this._retry === null) {
      this._retryMs = RETRY_MIN_MS;
      this._open();
    } else if (status === 'idle') {
      this._watchUnanswered();
    }
  }

  private _dropComm(close: boolean): void {
    const comm = this._comm;
    this._comm = null;
    this._hello = false;
    if (close && comm && !comm.isDisposed && !this.kernel.isDisposed) {
      try {
        comm.close();
      } catch {
        // The kernel is already gone; nothing to tell it.
      }
    }
  }

  private _scheduleRetry(): void {
    if (this._disposed || this._retry !== null) {
      return;
    }
    this._retry = setTimeout(() => {
      this._retry = null;
      this._open();
    }, this._retryMs);
    this._retryMs = Math.min(this._retryMs * 2, RETRY_MAX_MS);
  }

  private _clearTimers(): void {
    if (this._retry !== null) {
      clearTimeout(this._retry);
      this._retry = null;
    }
    if (this._unanswered !== null) {
      clearTimeout(this._unanswered);
      this._unanswered = null;
    }
  }

  private _comm: Kernel.IComm | null = null;
  private _hello = false;
  private _problem = trans.__('Opening the connection to the kernel…');
  private _retry: ReturnType<typeof setTimeout> | null = null;
  private _unanswered: ReturnType<typeof setTimeout> | null = null;
  private _retryMs = RETRY_MIN_MS;
  private _disposed = false;
  private _opened = new Signal<this, void>(this);
  private _messageReceived = new Signal<this, KernelMessage>(this);
}
