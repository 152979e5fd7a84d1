// Drawing readings at most once a frame, and less often when many devices send: a class of senders must not keep the page busy.

/** With many devices, values and charts are drawn at most this often. */
export const SLOW_REDRAW_MS = 250;

/** Calls `draw` at most once per animation frame, and at most every SLOW_REDRAW_MS when asked to go slow. */
export class Redraw {
  constructor(private readonly _draw: () => void) {}

  /** Draw soon: in the next frame, or after SLOW_REDRAW_MS since the last drawing when `slow`. */
  request(slow: boolean): void {
    if (this._frame !== null || this._timer !== undefined) {
      return;
    }
    const wait = slow ? this._drawnAt + SLOW_REDRAW_MS - Date.now() : 0;
    if (wait > 0) {
      this._timer = setTimeout(() => {
        this._timer = undefined;
        this._inFrame();
      }, wait);
    } else {
      this._inFrame();
    }
  }

  dispose(): void {
    if (this._frame !== null) {
      cancelAnimationFrame(this._frame);
      this._frame = null;
    }
    clearTimeout(this._timer);
    this._timer = undefined;
  }

  private _inFrame(): void {
    this._frame = requestAnimationFrame(() => {
      this._frame = null;
      this._drawnAt = Date.now();
      this._draw();
    });
  }

  private _frame: number | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _drawnAt = 0;
}
