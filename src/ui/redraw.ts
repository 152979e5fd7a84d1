// Drawing readings a few times a second at most: a class of senders must not keep the page busy.

/** Values and charts are drawn at most this often: a person reads no faster. */
export const REDRAW_MS = 250;

/** Calls `draw` in an animation frame, at most every REDRAW_MS. */
export class Redraw {
  constructor(private readonly _draw: () => void) {}

  /** Draw soon: in the next frame, or once REDRAW_MS have passed since the last drawing. */
  request(): void {
    if (this._frame !== null || this._timer !== undefined) {
      return;
    }
    const wait = this._drawnAt + REDRAW_MS - Date.now();
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
