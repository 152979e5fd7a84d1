// A fake Web Serial with one or more boards, installed before the page loads (the device
// boundary: no USB here). The test feeds what board 0 prints with window.fakeSerial.print(text),
// reads what the page wrote from window.fakeSerial.written (or is handed it at once by a
// function it puts in window.fakeSerial.onWrite), and unplugs and replugs it. More boards:
// fakeSerial.addBoard() gives the next one's number, fakeSerial.choose(n) makes the chooser
// pick board n next, and fakeSerial.board(n) has print, unplug, replug, written and opens.
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
