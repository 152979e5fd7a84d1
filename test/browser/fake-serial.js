// A fake Web Serial device, installed before the page loads (the device boundary: no
// USB here). The test feeds what the "board" prints with window.fakeSerial.print(text),
// reads what the page wrote from window.fakeSerial.written (or is handed it at once by a
// function it puts in window.fakeSerial.onWrite), and unplugs and replugs it.
(() => {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const listeners = { connect: new Set(), disconnect: new Set() };
  const state = { plugged: true, port: null, written: '', opens: [], requests: 0 };

  class FakePort extends EventTarget {
    constructor() {
      super();
      this.readable = null;
      this.writable = null;
      this._controller = null;
    }
    getInfo() {
      return { usbVendorId: 0x0d28, usbProductId: 0x0204 }; // a micro:bit
    }
    async open(options) {
      if (!state.plugged || state.port !== this) {
        throw new DOMException('Failed to open serial port.', 'NetworkError');
      }
      if (this.readable) {
        throw new DOMException('The port is already open.', 'InvalidStateError');
      }
      state.opens.push(options.baudRate);
      this.readable = new ReadableStream({ start: c => (this._controller = c) });
      this.writable = new WritableStream({
        write: chunk => {
          const text = decoder.decode(chunk);
          state.written += text;
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

  state.port = new FakePort();

  const serial = {
    async requestPort() {
      state.requests++;
      if (!state.plugged) {
        throw new DOMException('No port selected by the user.', 'NotFoundError');
      }
      return state.port;
    },
    async getPorts() {
      return state.plugged ? [state.port] : [];
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
    print: text => state.port.print(text),
    printBytes: bytes => state.port.printBytes(bytes),
    get written() {
      return state.written;
    },
    get opens() {
      return state.opens;
    },
    get requests() {
      return state.requests;
    },
    unplug() {
      state.plugged = false;
      state.port.lose();
      for (const fn of listeners.disconnect) fn({ target: state.port });
    },
    replug() {
      // A replugged board comes back as a new SerialPort object.
      state.port = new FakePort();
      state.plugged = true;
      for (const fn of listeners.connect) fn({ target: state.port });
    }
  };
})();
