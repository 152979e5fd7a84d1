import { element, formatValue, keepingFocus, refreshTiles, valueTiles } from '../../src/ui/dom';

describe('formatValue', () => {
  test.each([
    [1, '1'],
    [0, '0'],
    [134, '134'],
    [-3, '-3'],
    [21.456, '21.5'],
    [123.4, '123'],
    [1.2345, '1.23'],
    [0.6384, '0.638'],
    [-0.25, '-0.250']
  ])('%p is shown as %p', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });
});

describe('refreshTiles', () => {
  const numbers = (tiles: Element) =>
    [...tiles.querySelectorAll('.jp-sensorlab-Logger-valueNumber')].map(n => n.textContent);

  test('the same channels: the numbers change in the tiles already there', () => {
    const tiles = valueTiles({ temperature: 20.5, light: 134 }, { temperature: '°C' });
    const first = tiles.firstElementChild;
    refreshTiles(tiles, { temperature: 21.25, light: 130 }, { temperature: '°C' });
    expect(numbers(tiles)).toEqual(['21.3 °C', '130']);
    expect(tiles.firstElementChild).toBe(first);
  });

  test('other channels, or the same in another order: new tiles', () => {
    const tiles = valueTiles({ temperature: 20.5, light: 134 }, {});
    const first = tiles.firstElementChild;
    refreshTiles(tiles, { light: 130, temperature: 21 }, {});
    expect([...tiles.children].map(tile => (tile as HTMLElement).dataset.channel)).toEqual(['light', 'temperature']);
    expect(tiles.firstElementChild).not.toBe(first);
    refreshTiles(tiles, { light: 1 }, { light: 'lx' });
    expect(numbers(tiles)).toEqual(['1 lx']);
  });
});

describe('valueTiles', () => {
  test('one tile per channel, with its unit, names as text', () => {
    const tiles = valueTiles({ temperature: 20.5, '<b>heater</b>': 1 }, { temperature: '°C' });
    expect([...tiles.querySelectorAll('.jp-sensorlab-Logger-valueNumber')].map(n => n.textContent)).toEqual([
      '20.5 °C',
      '1'
    ]);
    expect(tiles.querySelector('b')).toBeNull();
    expect(tiles.querySelectorAll('.jp-sensorlab-Logger-valueName')[1].textContent).toBe('<b>heater</b>');
  });

  test('element sets text, never HTML', () => {
    expect(element('span', 'x', '<img src=x>').children).toHaveLength(0);
  });
});

describe('keepingFocus', () => {
  function cards(container: HTMLElement): void {
    container.replaceChildren();
    for (const id of ['usb-1', 'simulated']) {
      const card = element('section', '');
      card.dataset.source = id;
      const stop = element('button', '', 'Stop');
      stop.setAttribute('aria-label', `Stop ${id}`);
      card.append(stop, element('button', '', 'Details'));
      container.appendChild(card);
    }
  }

  test('the control a keyboard user is on keeps the focus when its card is rebuilt', () => {
    const container = element('div', '');
    document.body.appendChild(container);
    cards(container);
    const before = container.querySelector<HTMLButtonElement>(
      '[data-source="simulated"] button[aria-label="Stop simulated"]'
    )!;
    before.focus();
    keepingFocus(container, () => cards(container));
    const after = document.activeElement as HTMLElement;
    expect(after).not.toBe(before); // a new element…
    expect(after.getAttribute('aria-label')).toBe('Stop simulated'); // …with the same name, in the same card
    expect(after.closest<HTMLElement>('[data-source]')?.dataset.source).toBe('simulated');
    container.remove();
  });

  test('focus elsewhere on the page is left alone', () => {
    const container = element('div', '');
    const outside = element('button', '', 'Outside');
    document.body.append(container, outside);
    cards(container);
    outside.focus();
    keepingFocus(container, () => cards(container));
    expect(document.activeElement).toBe(outside);
    container.remove();
    outside.remove();
  });
});
