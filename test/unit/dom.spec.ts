import { element, formatValue, valueTiles } from '../../src/ui/dom';

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
