// The page's language: every word the extension shows goes through `trans` (domain "sensorlab"),
// and numbers and times are written the way that language writes them.
import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { nullTranslator, type ITranslator, type TranslationBundle } from '@jupyterlab/translation';

/** The translation domain: the Python package's name, where JupyterLab looks for our catalogues. */
export const DOMAIN = 'sensorlab';

let bundle: TranslationBundle = nullTranslator.load(DOMAIN);
let language = 'en';

/**
 * The extension's words. Call it as `trans.__('text %1', value)`, `trans._n('%1 row', '%1 rows', n)`
 * or `trans._p('context', 'text')`, with literal strings: `make translations` finds them there, but not
 * inside a template literal's `${}`. A `// TRANSLATORS:` comment on the line above a call reaches the
 * translators, unless an argument on a later line calls a function (compute that value first).
 * JupyterLab fixes the language when the page loads (changing it reloads the page), so the
 * bundle is chosen once, by the hub's plugin, before anything is shown.
 */
export const trans: Pick<TranslationBundle, '__' | '_n' | '_p'> = {
  __: (msgid, ...args) => bundle.__(msgid, ...args),
  _n: (msgid, plural, n, ...args) => bundle._n(msgid, plural, n, ...args),
  _p: (context, msgid, ...args) => bundle._p(context, msgid, ...args)
};

/** Use JupyterLab's translator (the hub's plugin calls this once, at activation). */
export function useTranslator(translator: ITranslator): void {
  bundle = translator.load(DOMAIN);
  language = translator.languageCode || 'en';
  numberFormats.clear();
  clockFormats.clear();
}

/**
 * Whose way numbers and times are written: the language chosen in JupyterLab; while it is JupyterLab's
 * default, English, the browser's own (a British or Indian user keeps their 24-hour clock or their digits).
 */
function formatLocale(): string | undefined {
  return language === 'en' ? undefined : language;
}

/**
 * A kernel widget's model tells the kernel the page's language (a BCP 47 tag, "fr-FR", in its `_language`
 * trait): from now on the kernel writes its errors and status lines in it.
 */
export function shareLanguage(model: {
  get(name: '_language'): unknown;
  set(name: '_language', value: string): void;
  save_changes(): void;
}): void {
  if (model.get('_language') !== language) {
    model.set('_language', language);
    model.save_changes();
  }
}

const numberFormats = new Map<number, Intl.NumberFormat>();

/** A number with `digits` decimals, as the page's language writes it: 21,5 in French, 21.5 in English. */
export function formatNumber(value: number, digits = 0): string {
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat(formatLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format.format(value);
}

const clockFormats = new Map<boolean, Intl.DateTimeFormat>();

/** A time of day in the page's language: 14:05:09 (or 2:05:09 PM); without seconds when `seconds` is false. */
export function formatClock(time: Date | number, seconds = true): string {
  // One format kept per kind: each chart's words are written again at every redraw.
  let format = clockFormats.get(seconds);
  if (!format) {
    format = new Intl.DateTimeFormat(formatLocale(), {
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {})
    });
    clockFormats.set(seconds, format);
  }
  return format.format(time);
}

/** A day and time in the page's language: "07.12., 14:05" in German, "12/07, 02:05 PM" in English. */
export function formatDayAndTime(time: Date | number): string {
  return new Date(time).toLocaleString(formatLocale(), {
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit'
  });
}

/**
 * A plugin's settings with their titles and descriptions in the page's language, for the Settings
 * Editor. JupyterLab's server translates a schema only from a language pack's own catalogues, so
 * our plugin does it for its own (a `fetch` transform), with the words `make translations` takes
 * from schema/, in the contexts JupyterLab uses: "schema" for the schema's own, "settings" for each setting's.
 */
export function translateSettings(plugin: ISettingRegistry.IPlugin): ISettingRegistry.IPlugin {
  const schema = { ...plugin.schema };
  for (const key of ['title', 'description'] as const) {
    if (schema[key]) {
      schema[key] = bundle._p('schema', schema[key]);
    }
  }
  // Read into a variable first: a string inside a `_p(...)` call would be taken for words to translate.
  const iconLabel = schema['jupyter.lab.setting-icon-label'];
  if (typeof iconLabel === 'string') {
    schema['jupyter.lab.setting-icon-label'] = bundle._p('settings', iconLabel);
  }
  schema.properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => {
      const translated = { ...property };
      for (const key of ['title', 'description'] as const) {
        if (typeof translated[key] === 'string') {
          translated[key] = bundle._p('settings', translated[key]);
        }
      }
      return [name, translated];
    })
  );
  return { ...plugin, schema };
}
