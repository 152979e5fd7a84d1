/**
 * Lessons 01 and 06 in French, German and Spanish, run as their English originals are in
 * examples.spec.ts; lesson 06's printed words are each language's own. They run once, against the
 * first EtherCalc (they are not in run_all.py's ETHERCALC_SPECS): what they add is their words.
 */
import { test } from '@playwright/test';
import { collectErrors, expectNoSensorlabErrors } from './jupyter';
import { expectFirstReadings, expectWholeClass, runLesson, IWholeClassWords } from './lessons';

const TRANSLATIONS: { language: string; firstReadings: string; wholeClass: string; words: IWholeClassWords }[] = [
  {
    language: 'French',
    firstReadings: 'fr/01-premieres-mesures.ipynb',
    wholeClass: 'fr/06-toute-la-classe.ipynb',
    words: {
      heard: /^30 micro:bits entendues, \d+ mesures jusqu'ici/m,
      firstGroup: 'groupe 1',
      extremes: /Le plus froid : .+ \(-?\d+\.\d °C\)\. Le plus chaud : .+ \(-?\d+\.\d °C\)\./,
      sheetRows: /La feuille a \d+ lignes/,
      gatewayProgram: '# ----- ../firmware/microbit-radio-gateway.py'
    }
  },
  {
    language: 'German',
    firstReadings: 'de/01-erste-messwerte.ipynb',
    wholeClass: 'de/06-unsere-ganze-klasse.ipynb',
    words: {
      heard: /^30 micro:bits gehört, bis jetzt \d+ Messwerte/m,
      firstGroup: 'Gruppe 1',
      extremes: /Am kältesten: .+ \(-?\d+\.\d °C\)\. Am wärmsten: .+ \(-?\d+\.\d °C\)\./,
      sheetRows: /Die Tabelle hat \d+ Zeilen/,
      gatewayProgram: '# ----- ../firmware/microbit-radio-gateway.py'
    }
  },
  {
    language: 'Spanish',
    firstReadings: 'es/01-primeras-mediciones.ipynb',
    wholeClass: 'es/06-toda-la-clase.ipynb',
    words: {
      heard: /^30 micro:bits oídas, \d+ mediciones hasta ahora/m,
      firstGroup: 'grupo 1',
      extremes: /El más frío: .+ \(-?\d+\.\d °C\)\. El más caliente: .+ \(-?\d+\.\d °C\)\./,
      sheetRows: /La hoja tiene \d+ filas/,
      gatewayProgram: '# ----- ../firmware/microbit-radio-gateway.py'
    }
  }
];

for (const { language, firstReadings, wholeClass, words } of TRANSLATIONS) {
  test(`01 in ${language}: live values, the data table and the first rows in the sheet`, async ({ page }) => {
    const errors = collectErrors(page);
    expectFirstReadings(await runLesson(page, firstReadings));
    await expectNoSensorlabErrors(errors);
  });

  test(`06 in ${language}: thirty micro:bits, one chart, a row per group, in its words`, async ({ page }) => {
    const errors = collectErrors(page);
    await expectWholeClass(page, await runLesson(page, wholeClass), words);
    await expectNoSensorlabErrors(errors);
  });
}
