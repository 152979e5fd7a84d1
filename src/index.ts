// The plugins: the device hub, the widget for sensorlab.Logger, the sidebar and the commands.
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator } from '@jupyterlab/translation';
import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { ClassViewModel, ClassViewView } from './classview/widget';
import { DeviceHub } from './hub';
import { trans, translateSettings, useTranslator } from './i18n';
import { MonitorPanel } from './monitor/panel';
import { CommandIDs, IDeviceHub, MODULE_NAME, MODULE_VERSION } from './tokens';
import { createLoggerModel } from './widget/model';
import { createLoggerView } from './widget/view';

/** The tab's devices and the loggers they feed. */
const hubPlugin: JupyterFrontEndPlugin<IDeviceHub> = {
  id: 'sensorlab:hub',
  description: 'Owns the sensors of this browser tab.',
  autoStart: true,
  provides: IDeviceHub,
  // Every other plugin of ours needs the hub, so the language is chosen here, before anything is shown.
  optional: [ITranslator],
  activate: (app: JupyterFrontEnd, translator: ITranslator | null): IDeviceHub => {
    if (translator) {
      useTranslator(translator);
    }
    const hub = new DeviceHub();
    app.commands.addCommand(CommandIDs.startSimulated, {
      label: trans.__('Start the simulated sensor'),
      caption: trans.__('A pretend classroom with a heater, for trying sensorlab without hardware'),
      isEnabled: () => hub.simulated().state === 'stopped',
      execute: () => hub.simulated().start()
    });
    app.commands.addCommand(CommandIDs.stopSimulated, {
      label: trans.__('Stop the simulated sensor'),
      isEnabled: () => hub.simulated().state !== 'stopped',
      execute: () => hub.simulated().stop()
    });
    hub.sourcesChanged.connect(() => app.commands.notifyCommandChanged());
    return hub;
  }
};

/** The notebook widgets `sensorlab.Logger` and `sensorlab.ClassView`. */
const widgetPlugin: JupyterFrontEndPlugin<void> = {
  id: 'sensorlab:widget',
  description: 'Shows sensorlab.Logger and sensorlab.ClassView widgets in notebooks.',
  autoStart: true,
  requires: [IJupyterWidgetRegistry, IDeviceHub],
  activate: (_: JupyterFrontEnd, registry: IJupyterWidgetRegistry, hub: IDeviceHub): void => {
    registry.registerWidget({
      name: MODULE_NAME,
      version: MODULE_VERSION,
      exports: {
        LoggerModel: createLoggerModel(hub),
        LoggerView: createLoggerView(hub),
        ClassViewModel,
        ClassViewView
      }
    });
  }
};

/** The sidebar monitor. The restorer is optional: Notebook 7 has none. */
const monitorPlugin: JupyterFrontEndPlugin<void> = {
  id: 'sensorlab:monitor',
  description: 'A sidebar with every sensor of this tab.',
  autoStart: true,
  requires: [IDeviceHub],
  optional: [ILayoutRestorer, ICommandPalette, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    hub: IDeviceHub,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null
  ): void => {
    let settings: ISettingRegistry.ISettings | null = null;
    const apply = () => {
      if (settings) {
        hub.forwardEveryMs = (settings.get('forwardEvery').composite as number) * 1000;
        hub.historyMs = (settings.get('chartHistoryMinutes').composite as number) * 60_000;
        hub.units = settings.get('units').composite as Record<string, string>;
        panel.classSection.refreshMs = (settings.get('classRefresh').composite as number) * 1000;
        panel.classSection.address = settings.get('classSheet').composite as string;
      }
    };
    // The sidebar's history choice is the chartHistoryMinutes setting, where settings exist.
    const panel = new MonitorPanel(
      hub,
      minutes => {
        if (settings) {
          void settings.set('chartHistoryMinutes', minutes);
        } else {
          hub.historyMs = minutes * 60_000;
        }
      },
      address => void settings?.set('classSheet', address)
    );
    // The Settings Editor shows this plugin's settings in the page's language (the schema asks the
    // registry to wait for this transform: "jupyter.lab.transform").
    registry?.transform(monitorPlugin.id, { fetch: translateSettings });
    registry
      ?.load(monitorPlugin.id)
      .then(loaded => {
        settings = loaded;
        apply();
        loaded.changed.connect(apply);
      })
      .catch(error => console.warn('sensorlab: settings could not be loaded', error));
    app.shell.add(panel, 'right', { rank: 900 });
    restorer?.add(panel, panel.id);
    app.commands.addCommand(CommandIDs.openMonitor, {
      label: trans.__('Open the sensorlab monitor'),
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.connectSerial, {
      label: trans.__('Connect a USB sensor (micro:bit, Arduino, Pico)'),
      caption: trans.__('Each one connected is one more device of this tab'),
      // Runs inside the click or key press that chose the command: the chooser needs it.
      execute: () => hub.connect('serial')
    });
    app.commands.addCommand(CommandIDs.connectBluetooth, {
      label: trans.__('Connect a Bluetooth sensor'),
      caption: trans.__('Each one connected is one more device of this tab'),
      execute: () => hub.connect('bluetooth')
    });
    app.commands.addCommand(CommandIDs.postNow, {
      label: trans.__('Post a row now (every logger on this page)'),
      isEnabled: () => hub.loggers.size > 0,
      execute: () => {
        for (const logger of hub.loggers) {
          logger.postNow();
        }
      }
    });
    for (const command of [
      CommandIDs.connectSerial,
      CommandIDs.connectBluetooth,
      CommandIDs.startSimulated,
      CommandIDs.stopSimulated,
      CommandIDs.openMonitor,
      CommandIDs.postNow
    ]) {
      palette?.addItem({ command, category: 'sensorlab' });
    }
  }
};

export default [hubPlugin, widgetPlugin, monitorPlugin];
