// The sidebar's Class section: the teacher gives the class sheet's address and watches every logger of the class.
import { ClassView } from '../classview/view';
import { ClassWatch } from '../classview/watch';
import { trans } from '../i18n';
import { isWebAddress } from '../sheet';
import { element } from '../ui/dom';

/** How often the section reads the class sheet unless the settings say otherwise. */
export const DEFAULT_REFRESH_MS = 60_000;

export class ClassSection {
  constructor(
    /** Keep the address the teacher watched (in the settings). */
    private readonly _remember: (address: string) => void,
    private readonly _chartWidth: () => number
  ) {
    this.node = element('section', 'jp-sensorlab-Monitor-class');
    const heading = element('h2', 'jp-sensorlab-Monitor-heading', trans.__('Class'));
    heading.id = 'jp-sensorlab-Monitor-classHeading';
    this.node.setAttribute('aria-labelledby', heading.id);
    const hint = element(
      'p',
      'jp-sensorlab-Logger-hint',
      trans.__('For teachers: give the class sheet’s address to see which groups are logging and which have stopped.')
    );
    const label = element('label', 'jp-sensorlab-Monitor-classLabel', trans.__('Class sheet address'));
    this._address = element('input', 'jp-mod-styled jp-sensorlab-Monitor-classAddress');
    this._address.type = 'url';
    this._address.addEventListener('keydown', event => {
      if (event.key === 'Enter' && !this._watch) {
        this._start();
      }
    });
    label.appendChild(this._address);
    this._button = element('button', 'jp-mod-styled jp-sensorlab-Monitor-classWatch');
    this._button.addEventListener('click', () => (this._watch ? this._stop() : this._start()));
    this._problem = element('div', 'jp-sensorlab-Logger-problem');
    this._problem.setAttribute('role', 'alert');
    this._viewArea = element('div', 'jp-sensorlab-Monitor-classView');
    this.node.append(heading, hint, label, this._button, this._problem, this._viewArea);
    this._showButton();
  }

  readonly node: HTMLElement;

  /** The address kept in the settings: shown in the field unless the teacher has typed one. */
  set address(address: string) {
    if (!this._watch && this._address.value === '') {
      this._address.value = address;
    }
  }

  /** The refresh chosen in the settings, in ms: from the next read on. */
  set refreshMs(ms: number) {
    this._refreshMs = ms;
    if (this._watch) {
      this._watch.refreshMs = ms;
    }
  }

  dispose(): void {
    this._stop();
  }

  private _start(): void {
    const address = this._address.value.trim();
    if (!isWebAddress(address)) {
      this._problem.textContent = trans.__(
        'The class sheet’s address starts with http:// or https://: copy it from the notebook or the browser’s address bar.'
      );
      return;
    }
    this._problem.textContent = '';
    this._remember(address);
    const watch = new ClassWatch(address, this._refreshMs);
    const view = new ClassView(channel => (watch.channel = channel), this._chartWidth);
    watch.changed.connect(() => view.show(watch.view));
    view.show(watch.view);
    this._viewArea.replaceChildren(view.node);
    this._watch = watch;
    this._view = view;
    this._address.readOnly = true;
    this._showButton();
  }

  private _stop(): void {
    this._watch?.dispose();
    this._view?.dispose();
    this._watch = null;
    this._view = null;
    this._address.readOnly = false;
    this._showButton();
  }

  /** Watch or Stop watching: one button that changes its words, so the keyboard stays on it. */
  private _showButton(): void {
    const watching = this._watch !== null;
    this._button.textContent = watching ? trans.__('Stop watching') : trans.__('Watch');
    const label = watching ? trans.__('Stop watching the class sheet') : trans.__('Watch the class sheet');
    this._button.setAttribute('aria-label', label);
    this._button.classList.toggle('jp-mod-accept', !watching);
    this._button.classList.toggle('jp-mod-warn', watching);
  }

  private _address: HTMLInputElement;
  private _button: HTMLButtonElement;
  private _problem: HTMLDivElement;
  private _viewArea: HTMLDivElement;
  private _refreshMs = DEFAULT_REFRESH_MS;
  private _watch: ClassWatch | null = null;
  private _view: ClassView | null = null;
}
