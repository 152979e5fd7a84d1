// The notebook widget `sensorlab.ClassView(sheet)`: the kernel reads the class and shares what to show;
// the page shows it, and tells the kernel the channel chosen for the chart.
import { DOMWidgetModel, DOMWidgetView } from '@jupyter-widgets/base';
import { shareLanguage, trans } from '../i18n';
import { widgetNames } from '../tokens';
import { element, sheetLink } from '../ui/dom';
import type { IClassView } from './model';
import { ClassView } from './view';

/** The ages ("5 minutes ago") are written again this often between the kernel's changes. */
const AGES_EVERY_MS = 10_000;

export class ClassViewModel extends DOMWidgetModel {
  defaults(): any {
    return {
      ...super.defaults(),
      ...widgetNames('ClassViewModel', 'ClassViewView'),
      sheet_url: '',
      lines: [],
      channels: [],
      channel: '',
      series: [],
      read_at: null,
      next_read: null,
      problem: '',
      _language: ''
    };
  }

  initialize(attributes: any, options: any): void {
    super.initialize(attributes, options);
    shareLanguage(this);
  }
}

export class ClassViewView extends DOMWidgetView {
  render(): void {
    this.el.classList.add('jp-sensorlab-ClassViewWidget');
    this.el.setAttribute('role', 'region');
    this.el.setAttribute('aria-label', trans.__('Class view'));
    this._sheet = element('div', 'jp-sensorlab-Logger-sheet');
    this._view = new ClassView(
      channel => {
        this.model.set('channel', channel);
        this.model.save_changes();
      },
      // Before the widget is on the page it has no width yet.
      () => (this.el.clientWidth ? Math.max(320, Math.min(720, this.el.clientWidth - 24)) : 480)
    );
    this.el.append(element('div', 'jp-sensorlab-Logger-title', trans.__('Class view')), this._sheet, this._view.node);
    this.listenTo(this.model, 'change', () => this._show());
    this._clock = setInterval(() => this._show(), AGES_EVERY_MS);
    this._show();
  }

  remove(): any {
    clearInterval(this._clock);
    this._view.dispose();
    return super.remove();
  }

  private _show(): void {
    const url = this.model.get('sheet_url') as string;
    if (url !== this._url) {
      this._url = url;
      this._sheet.replaceChildren(element('span', '', trans.__('Class sheet:')), ' ', sheetLink(url));
    }
    const view: IClassView = {
      lines: this.model.get('lines') ?? [],
      channels: this.model.get('channels') ?? [],
      channel: this.model.get('channel') ?? '',
      series: this.model.get('series') ?? [],
      read_at: this.model.get('read_at') ?? null,
      next_read: this.model.get('next_read') ?? null,
      problem: this.model.get('problem') ?? ''
    };
    this._view.show(view);
  }

  private _sheet!: HTMLDivElement;
  private _url: string | null = null;
  private _view!: ClassView;
  private _clock: ReturnType<typeof setInterval> | undefined;
}
