import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { DeviceHub } from './hub';
import { CommandIDs, IDeviceHub, MODULE_NAME, MODULE_VERSION } from './tokens';
import { createLoggerModel } from './widget/model';
import { createLoggerView } from './widget/view';

/** The tab's devices and the loggers they feed. */
const hubPlugin: JupyterFrontEndPlugin<IDeviceHub> = {
  id: 'sensorlab:hub',
  description: 'Owns the sensors of this browser tab.',
  autoStart: true,
  provides: IDeviceHub,
  activate: (app: JupyterFrontEnd): IDeviceHub => {
    const hub = new DeviceHub();
    app.commands.addCommand(CommandIDs.startSimulated, {
      label: 'Start the simulated sensor',
      caption: 'A pretend classroom with a heater, for trying sensorlab without hardware',
      isEnabled: () => hub.sourceFor('simulated').state === 'stopped',
      execute: () => hub.sourceFor('simulated').start()
    });
    app.commands.addCommand(CommandIDs.stopSimulated, {
      label: 'Stop the simulated sensor',
      isEnabled: () => hub.sourceFor('simulated').state !== 'stopped',
      execute: () => hub.sourceFor('simulated').stop()
    });
    hub.sourcesChanged.connect(() => app.commands.notifyCommandChanged());
    return hub;
  }
};

/** The notebook widget `sensorlab.Logger`. */
const widgetPlugin: JupyterFrontEndPlugin<void> = {
  id: 'sensorlab:widget',
  description: 'Shows sensorlab.Logger widgets in notebooks.',
  autoStart: true,
  requires: [IJupyterWidgetRegistry, IDeviceHub],
  activate: (_: JupyterFrontEnd, registry: IJupyterWidgetRegistry, hub: IDeviceHub): void => {
    registry.registerWidget({
      name: MODULE_NAME,
      version: MODULE_VERSION,
      exports: {
        LoggerModel: createLoggerModel(hub),
        LoggerView: createLoggerView(hub)
      }
    });
  }
};

export default [hubPlugin, widgetPlugin];
