// A fake Web Serial with one or more boards, installed before the page loads (the device
// boundary: no USB here). The test feeds what board 0 prints with window.fakeSerial.print(text),
// reads what the page wrote from window.fakeSerial.written (or is handed it at once by a
// function it puts in window.fakeSerial.onWrite), and unplugs and replugs it. More boards:
// fakeSerial.addBoard() gives the next one's number, fakeSerial.choose(n) makes the chooser
// pick board n next, and fakeSerial.board(n) has print, unplug, replug, written and opens.
// fakeSerial.gateway(n, {...}) makes board n a class's radio gateway (see there).
(() => {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const listeners = { connect: new Set(), disconnect: new Set() };
  const boards = [];
  let chosen = 0;
  let requests = 0;

  class FakePort extends EventTarget {
    constructor(board) {
      super();
      this.board = board;
      this.readable = null;
      this.writable = null;
      this._controller = null;
    }
    getInfo() {
      return { ...this.board.info };
    }
    async open(options) {
      if (!this.board.plugged || this.board.port !== this) {
        throw new DOMException('Failed to open serial port.', 'NetworkError');
      }
      if (this.readable) {
        throw new DOMException('The port is already open.', 'InvalidStateError');
      }
      this.board.opens.push(options.baudRate);
      this.readable = new ReadableStream({ start: c => (this._controller = c) });
      this.writable = new WritableStream({
        write: chunk => {
          const text = decoder.decode(chunk);
          this.board.written += text;
          window.fakeSerial.onWrite?.(text);
        }
      });
    }
    async close() {
      this.readable = null;
      this.writable = null;
      this._controller = null;
    }
    print(text) {
      this._controller?.enqueue(encoder.encode(text));
    }
    printBytes(bytes) {
      this._controller?.enqueue(new Uint8Array(bytes));
    }
    lose() {
      const c = this._controller;
      this._controller = null;
      c?.error(new DOMException('The device has been lost.', 'NetworkError'));
    }
  }

  /** A board: a micro:bit unless `info` says otherwise. */
  function addBoard(info = { usbVendorId: 0x0d28, usbProductId: 0x0204 }) {
    const board = { info, plugged: true, port: null, written: '', opens: [] };
    board.port = new FakePort(board);
    boards.push(board);
    return boards.length - 1;
  }

  /** What the test does with board `n`. */
  function control(n) {
    const board = boards[n];
    return {
      print: text => board.port.print(text),
      printBytes: bytes => board.port.printBytes(bytes),
      get written() {
        return board.written;
      },
      get opens() {
        return board.opens;
      },
      unplug() {
        board.plugged = false;
        board.port.lose();
        for (const fn of listeners.disconnect) fn({ target: board.port });
      },
      replug() {
        // A replugged board comes back as a new SerialPort object.
        board.port = new FakePort(board);
        board.plugged = true;
        for (const fn of listeners.connect) fn({ target: board.port });
      }
    };
  }

  /**
   * Board `n` prints MakeCode radio packets as a gateway micro:bit writes them, `{"t":ms,"s":serial,
   * "n":"temp","v":round}`, from `senders` senders (serial numbers firstSerial, firstSerial + 7919, ...)
   * at `hz` each, interleaved one line at a time, for `seconds`. Each sender's value is the round's
   * number (1, 2, ...), so every reading can be found later. Resolves when all are printed.
   */
  async function gateway(n, { senders, hz, seconds, firstSerial = 1923449 }) {
    const board = control(n);
    const total = senders * hz * seconds;
    const begin = performance.now();
    let printed = 0;
    board.print('\n'); // the first line after the port opens may be cut: an empty one
    while (printed < total) {
      const due = Math.min(total, Math.floor(((performance.now() - begin) / 1000) * senders * hz) + 1);
      for (; printed < due; printed++) {
        const round = Math.floor(printed / senders) + 1;
        const serial = firstSerial + (printed % senders) * 7919;
        board.print(`{"t":${round * Math.round(1000 / hz)},"s":${serial},"n":"temp","v":${round}}\n`);
      }
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    return { printed, seconds: (performance.now() - begin) / 1000 };
  }

  addBoard();

  const serial = {
    async requestPort() {
      requests++;
      const board = boards[chosen];
      if (!board.plugged) {
        throw new DOMException('No port selected by the user.', 'NotFoundError');
      }
      return board.port;
    },
    async getPorts() {
      return boards.filter(board => board.plugged).map(board => board.port);
    },
    addEventListener(type, fn) {
      listeners[type]?.add(fn);
    },
    removeEventListener(type, fn) {
      listeners[type]?.delete(fn);
    }
  };
  Object.defineProperty(Navigator.prototype, 'serial', { get: () => serial, configurable: true });

  window.fakeSerial = {
    onWrite: null,
    addBoard,
    board: control,
    gateway,
    choose(n) {
      chosen = n;
    },
    get requests() {
      return requests;
    }
  };
  // Board 0 is the board of the specs written for one.
  Object.defineProperties(window.fakeSerial, Object.getOwnPropertyDescriptors(control(0)));
})();
