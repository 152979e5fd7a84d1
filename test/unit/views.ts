// The notebook widget's view for unit specs: a Logger's model without a kernel, rendered.
import { Model } from 'backbone';
import type { IDeviceFilter } from '../../src/devices';
import type { DeviceHub } from '../../src/hub';
import type { ISource } from '../../src/sources/types';
import type { ILoggerModel } from '../../src/widget/model';
import { createLoggerView } from '../../src/widget/view';

/**
 * The rendered view of a Logger called `name` with this sheet address, logging `source`'s device; call `remove()`
 * after. `parts` replaces parts of the model: its filter (and so its devices), sources, link, problem, sheet...
 */
export function loggerView(
  hub: DeviceHub,
  name: string,
  sheetUrl: string,
  source: ISource | null,
  parts: Partial<ILoggerModel> = {}
) {
  const filter: IDeviceFilter = parts.filter ?? { kind: 'all', devices: source ? [source.id] : [] };
  const model = Object.assign(new Model({ name, sheet_url: sheetUrl, _status: {} }), {
    devices: () => hub.devicesFor(filter),
    sources: () => (source ? [source] : []),
    recorded: [],
    startable: null,
    connect: () => Promise.reject(new Error('no chooser in unit specs')),
    link: null,
    problem: '',
    sheet: null,
    ...parts,
    filter
  });
  const View = createLoggerView(hub);
  const view = new View({ model: model as never });
  view.render();
  return view;
}
