/** Small DOM helpers shared by the notebook widget and the sidebar. */
import { formatNumber, trans } from '../i18n';
import { isWebAddress } from '../sheet';
import type { SourceState } from '../sources/types';

/** A device's state in words: "reading", "waiting for the device"... */
export function stateWord(state: SourceState): string {
  switch (state) {
    case 'stopped':
      return trans._p('device state', 'stopped');
    case 'connecting':
      return trans._p('device state', 'connecting…');
    case 'connected':
      return trans._p('device state', 'reading');
    case 'waiting':
      return trans._p('device state', 'waiting for the device');
  }
}

/** "micro:bit (USB): reading": a name and what is said of it. */
export function labelled(name: string, text: string): string {
  // TRANSLATORS: %1 is a name (a device's, a sensor's), %2 what is said of it: "micro:bit (USB): reading".
  return trans.__('%1: %2', name, text);
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = ''
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  // Names and values can come from devices: always text, never HTML.
  node.textContent = text;
  return node;
}

/** Whole numbers as they are (a heater's 1), others to 3 digits, as the page's language writes them (21,5). */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) {
    // A rounded -0.004 is -0: shown as 0.
    return formatNumber(value === 0 ? 0 : value);
  }
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return formatNumber(value, digits);
}

/** "21.5 °C": a value as its tile shows it, with its unit if it has one (the charts' words say it so too). */
export function valueText(value: number, unit = ''): string {
  return `${formatValue(value)}${unit ? ` ${unit}` : ''}`;
}

/** One tile per channel: its name and its latest value with the unit. */
export function valueTiles(values: Record<string, number>, units: Readonly<Record<string, string>>): HTMLDivElement {
  const tiles = element('div', 'jp-sensorlab-Logger-values');
  for (const [name, value] of Object.entries(values)) {
    const tile = element('div', 'jp-sensorlab-Logger-value');
    tile.dataset.channel = name;
    tile.append(
      element('span', 'jp-sensorlab-Logger-valueName', name),
      element('span', 'jp-sensorlab-Logger-valueNumber', valueText(value, units[name]))
    );
    tiles.appendChild(tile);
  }
  return tiles;
}

/**
 * Show `values` in `tiles` (a `valueTiles` container): with the same channels as shown, only
 * the numbers' text changes, so a page of many devices does not lay out new tiles each time.
 */
export function refreshTiles(
  tiles: Element,
  values: Record<string, number>,
  units: Readonly<Record<string, string>>
): void {
  const names = Object.keys(values);
  const shown = tiles.children;
  const same =
    shown.length === names.length && names.every((name, i) => (shown[i] as HTMLElement).dataset.channel === name);
  if (!same) {
    tiles.replaceChildren(...valueTiles(values, units).childNodes);
    return;
  }
  names.forEach((name, i) => {
    const number = shown[i].lastElementChild!;
    const text = valueText(values[name], units[name]);
    if (number.textContent !== text) {
      number.textContent = text;
    }
  });
}

/** "1 line could not be read, 2 values were not numbers", or '' when all was read. */
export function problemCounts(badLines: number, badValues: number): string {
  const counts: string[] = [];
  if (badLines) {
    const lines = formatNumber(badLines);
    // TRANSLATORS: %2 is the number of lines, written the language's way (1 234).
    counts.push(trans._n('%2 line could not be read', '%2 lines could not be read', badLines, lines));
  }
  if (badValues) {
    const values = formatNumber(badValues);
    // TRANSLATORS: %2 is the number of values, written the language's way (1 234).
    counts.push(trans._n('%2 value was not a number', '%2 values were not numbers', badValues, values));
  }
  return counts.join(', ');
}

/** The name a control is known by: its label for screen readers, else its text. */
function controlName(control: Element): string {
  return control.getAttribute('aria-label') ?? control.textContent ?? '';
}

/**
 * Rebuild part of a view without losing the keyboard's place: the focused control is found
 * again in the rebuilt part by its card (`data-source` or `data-logger`) and its name.
 */
export function keepingFocus(container: HTMLElement, rebuild: () => void): void {
  const focused = document.activeElement;
  if (!(focused instanceof HTMLElement) || !container.contains(focused)) {
    rebuild();
    return;
  }
  const card = focused.closest<HTMLElement>('[data-source], [data-logger]');
  const key = card ? `${card.dataset.source ?? ''}\u0000${card.dataset.logger ?? ''}` : null;
  const name = controlName(focused);
  rebuild();
  const scope = Array.from(container.querySelectorAll<HTMLElement>('[data-source], [data-logger]')).find(
    candidate => `${candidate.dataset.source ?? ''}\u0000${candidate.dataset.logger ?? ''}` === key
  );
  const again = Array.from((scope ?? container).querySelectorAll<HTMLElement>(focused.tagName)).find(
    control => controlName(control) === name
  );
  again?.focus();
}

/**
 * A sheet's address: a link that opens in a new tab, or, when it is not http(s), plain text
 * followed by what to fix.
 */
export function sheetLink(address: string): HTMLElement {
  if (!isWebAddress(address)) {
    const text = element('span', 'jp-sensorlab-Logger-sheetAddress', address);
    const notALink = trans.__(
      'This sheet address does not start with http:// or https://, so it is not a link. Check the sheet address in the notebook.'
    );
    text.appendChild(element('span', 'jp-sensorlab-Logger-problem', ` ${notALink}`));
    return text;
  }
  const link = element('a', 'jp-sensorlab-Logger-sheetLink', address);
  link.href = address;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  return link;
}
