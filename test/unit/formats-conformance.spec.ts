/**
 * The formats conformance table: lines as the tools that print them produce them, with
 * the readings a person means. Only the public entry (`sources/lines`) is used, so
 * the table runs against any version of the parser.
 */
import { IParseResult, LineFormat, LineFramer, LineParser } from '../../src/sources/lines';

type Format = Exclude<LineFormat, 'auto'>;

/** One printed line and what must come of it. */
interface IExpected {
  line: string;
  /** The values read; null for a header or a line that cannot be read. */
  values: Record<string, number> | null;
  /** How many problems are reported for the line (a line with values can have bad parts). */
  bad?: number;
  /** The sending micro:bit, for MakeCode radio packets. */
  sender?: number;
  /** The name that micro:bit sent by radio. */
  device?: string;
}

/** Lines one tool prints, in the order it prints them. */
interface IExample {
  tool: string;
  /** The format 'auto' must find; forcing it must read the same. */
  format: Format;
  /** The line end the tool prints. */
  end: '\n' | '\r\n' | '\r';
  lines: IExpected[];
}

const reading = (line: string, values: Record<string, number>, bad = 0): IExpected => ({ line, values, bad });
const header = (line: string): IExpected => ({ line, values: null, bad: 0 });
const badLine = (line: string, bad = 1): IExpected => ({ line, values: null, bad });

/** A MicroPython program that crashed, as the REPL prints it, then its banner. */
const TRACEBACK = [
  badLine('Traceback (most recent call last):'),
  badLine('  File "main.py", line 36, in <module>'),
  badLine('MemoryError: memory allocation failed, allocating 1024 bytes')
];

const EXAMPLES: IExample[] = [
  {
    tool: 'Arduino Serial Plotter: label:value parts, tab or comma between them (Serial.print("Sine:") ...)',
    format: 'plotter',
    end: '\r\n',
    lines: [
      reading('Sine:0.84\tCosine:0.54', { Sine: 0.84, Cosine: 0.54 }),
      reading('Sine:0.91,Cosine:0.42', { Sine: 0.91, Cosine: 0.42 }),
      reading('temp:21.50 humidity:40.00', { temp: 21.5, humidity: 40 }),
      // A DHT sensor that failed prints nan: a bad part, the other value is kept.
      reading('temp:21.50\thumidity:nan', { temp: 21.5 }, 1)
    ]
  },
  {
    tool: 'Arduino Serial Plotter: a labels-only line, then values alone',
    format: 'plotter',
    end: '\r\n',
    lines: [
      header('Sine:\tCosine:'),
      reading('0.84\t0.54', { Sine: 0.84, Cosine: 0.54 }),
      reading('-0.10 0.99', { Sine: -0.1, Cosine: 0.99 })
    ]
  },
  {
    tool: "Arduino IDE 1.x Serial Plotter: a header mixing labels with and without a colon (Arduino's protocol document)",
    format: 'plotter',
    end: '\n',
    lines: [
      header('Label_1:\tLabel_2\tLabel_3:'),
      reading('10\t11\t12', { Label_1: 10, Label_2: 11, Label_3: 12 }),
      reading('13,14,15', { Label_1: 13, Label_2: 14, Label_3: 15 })
    ]
  },
  {
    tool: 'Arduino Serial Plotter: a header of plain labels, then values alone',
    format: 'plotter',
    end: '\r\n',
    lines: [
      header('temperature\thumidity'),
      reading('21.50\t40.00', { temperature: 21.5, humidity: 40 }),
      reading('21.75\t40.00', { temperature: 21.75, humidity: 40 })
    ]
  },
  {
    tool: 'micro:bit MicroPython: print("temperature:{} light:{}".format(t, l)), then a crash',
    format: 'plotter',
    end: '\r\n',
    lines: [
      reading('temperature:21 light:134', { temperature: 21, light: 134 }),
      ...TRACEBACK,
      badLine('OSError: [Errno 5] EIO')
    ]
  },
  {
    tool: 'MakeCode: serial.writeValue("temp", 21)',
    format: 'plotter',
    end: '\r\n',
    lines: [reading('temp:21', { temp: 21 }), reading('light:134', { light: 134 }), reading('x:-1.5', { x: -1.5 })]
  },
  {
    tool: 'a board that ends lines with CR only',
    format: 'plotter',
    end: '\r',
    lines: [reading('temp:21.5', { temp: 21.5 }), reading('temp:21.6', { temp: 21.6 })]
  },
  {
    tool: 'MicroPython and CircuitPython: print("temperature:", t)',
    format: 'labels',
    end: '\r\n',
    lines: [
      reading('temperature: 21.5', { temperature: 21.5 }),
      reading('temperature: 21.5 light: 134', { temperature: 21.5, light: 134 }),
      reading('temperature: -3', { temperature: -3 }),
      ...TRACEBACK
    ]
  },
  {
    tool: 'Arduino: Serial.println("Temperature: " + String(t)), names with spaces, units',
    format: 'labels',
    end: '\r\n',
    lines: [
      reading('Temperature: 21.50', { Temperature: 21.5 }),
      reading('Room temperature: 21.50', { 'Room temperature': 21.5 }),
      reading('Temperature: 21.50 C, Humidity: 40.00 %', { Temperature: 21.5, Humidity: 40 }),
      reading('Temperature: 21.50\tHumidity: 40.00', { Temperature: 21.5, Humidity: 40 }),
      reading('Temperature: 21.50 degrees Celsius', { Temperature: 21.5 }),
      reading('Temperature: nan\tHumidity: 40.00', { Humidity: 40 }, 1)
    ]
  },
  {
    tool: "Mu's plotter: print((t, l)) tuples, CircuitPython lists",
    format: 'tuple',
    end: '\r\n',
    lines: [
      reading('(21.5, 134)', { 'value 1': 21.5, 'value 2': 134 }),
      reading('[21.5, 40]', { 'value 1': 21.5, 'value 2': 40 }),
      reading('(21.5,)', { 'value 1': 21.5 }),
      reading('(21.5, nan)', { 'value 1': 21.5 }, 1),
      ...TRACEBACK
    ]
  },
  {
    tool: "Python tuples with a header tuple: print(('temperature', 'humidity'))",
    format: 'tuple',
    end: '\r\n',
    lines: [header("('temperature', 'humidity')"), reading('(21.5, 40.0)', { temperature: 21.5, humidity: 40 })]
  },
  {
    tool: 'MakeCode radio gateway: "write received packet to serial"',
    format: 'radio',
    end: '\r\n',
    lines: [
      { line: '{"t":3021,"s":1923449,"n":"temp","v":21}', values: { temp: 21 }, bad: 0, sender: 1923449 },
      { line: '{"t":3050,"s":-73121,"n":"light","v":134}', values: { light: 134 }, bad: 0, sender: -73121 },
      // radio.sendNumber(5): no name.
      { line: '{"t":3100,"s":1923449,"v":5}', values: { 'value 1': 5 }, bad: 0, sender: 1923449 },
      // radio.sendString("group 1"): the sender's name, for its readings from then on.
      { line: '{"t":3200,"s":1923449,"n":"group 1"}', values: null, sender: 1923449, device: 'group 1' },
      { line: '{"t":4021,"s":1923449,"n":"temp","v":22}', values: { temp: 22 }, sender: 1923449, device: 'group 1' },
      { line: '{"t":4050,"s":-73121,"n":"light","v":140}', values: { light: 140 }, sender: -73121 },
      // radio.sendBuffer(...): bytes, not a number.
      { line: '{"t":4100,"s":-73121,"b":"AAE="}', values: null, bad: 1, sender: -73121 }
    ]
  },
  {
    tool: 'a spreadsheet-style header and rows with ; and decimal commas',
    format: 'semicolon',
    end: '\r\n',
    lines: [
      header('Zeit;Temperatur;Luftfeuchte'),
      reading('1;21,5;40,2', { Zeit: 1, Temperatur: 21.5, Luftfeuchte: 40.2 }),
      reading('2;21,6;', { Zeit: 2, Temperatur: 21.6 }),
      reading('3;21.7;40', { Zeit: 3, Temperatur: 21.7, Luftfeuchte: 40 })
    ]
  },
  {
    tool: 'a spreadsheet export with quoted names, ; and decimal commas',
    format: 'semicolon',
    end: '\r\n',
    lines: [
      header('"Temperatur (°C)";"Luftfeuchte (%)"'),
      reading('"21,5";"40,2"', { 'Temperatur (°C)': 21.5, 'Luftfeuchte (%)': 40.2 })
    ]
  },
  {
    tool: 'a car OBD logger and spreadsheet exports: - where a row has no value',
    format: 'semicolon',
    end: '\r\n',
    lines: [
      header('time;rpm;speed;coolant;load'),
      reading('0;803;-;-;-', { time: 0, rpm: 803 }),
      reading('1;811;-;88;23,5', { time: 1, rpm: 811, coolant: 88, load: 23.5 }),
      // Noise on the wire: more words than numbers, whatever the dashes.
      badLine('2;8Ã;-;-;ÿÿ')
    ]
  },
  {
    tool: '; and decimal commas without a header',
    format: 'semicolon',
    end: '\n',
    lines: [reading('21,5;40,2', { 'value 1': 21.5, 'value 2': 40.2 })]
  },
  {
    tool: 'key=value pairs, separated by spaces, commas or semicolons',
    format: 'keyvalue',
    end: '\r\n',
    lines: [
      reading('temp=21.5 hum=40', { temp: 21.5, hum: 40 }),
      reading('temp=21.5,hum=40', { temp: 21.5, hum: 40 }),
      reading('temp=21,5;hum=40,2', { temp: 21.5, hum: 40.2 }),
      reading('temp = 21.5', { temp: 21.5 })
    ]
  },
  {
    tool: 'CSV: a header line, then rows (Arduino, Python csv, a spreadsheet)',
    format: 'csv',
    end: '\r\n',
    lines: [
      header('time,temperature,humidity'),
      reading('1000,21.5,40', { time: 1000, temperature: 21.5, humidity: 40 }),
      reading('2000,21.6,', { time: 2000, temperature: 21.6 }),
      ...TRACEBACK
    ]
  },
  {
    tool: 'a CSV export with - in empty cells',
    format: 'csv',
    end: '\r\n',
    lines: [
      header('time,temperature,humidity'),
      reading('1000,-,40', { time: 1000, humidity: 40 }),
      reading('2000,21.6,-', { time: 2000, temperature: 21.6 }),
      // Every value missing: no reading, nothing wrong, and the names stay.
      { line: '-,-,-', values: null, bad: 0 },
      reading('3000,21.7,41', { time: 3000, temperature: 21.7, humidity: 41 })
    ]
  },
  {
    tool: 'MakeCode: serial.writeNumbers([21, 134])',
    format: 'csv',
    end: '\r\n',
    lines: [reading('21,134', { 'value 1': 21, 'value 2': 134 })]
  },
  {
    tool: 'JSON objects: print(json.dumps({...})), ArduinoJson serializeJson',
    format: 'json',
    end: '\n',
    lines: [
      reading('{"temperature": 21.5, "humidity": 40}', { temperature: 21.5, humidity: 40 }),
      reading('{"env":{"t":21.5,"rh":40}}', { 'env.t': 21.5, 'env.rh': 40 }),
      badLine('Traceback (most recent call last):')
    ]
  }
];

function check(results: IParseResult[], lines: IExpected[]): void {
  expect(results.map(result => result.values)).toEqual(lines.map(line => line.values));
  expect(results.map(result => result.bad.length)).toEqual(lines.map(line => line.bad ?? 0));
  for (const result of results) {
    for (const problem of result.bad) {
      expect(problem.reason).not.toBe('');
    }
  }
  const senders = lines.map(line => line.sender);
  if (senders.some(sender => sender !== undefined)) {
    expect(results.map(result => result.sender)).toEqual(senders);
    expect(results.map(result => result.device)).toEqual(lines.map(line => line.device));
  }
}

/** The parser and framer as a serial source sets them up. */
function device(format: LineFormat): { parser: LineParser; framer: LineFramer } {
  const parser = new LineParser({ format });
  const framer = new LineFramer({ keepFirstLine: line => parser.isHeader(line) });
  return { parser, framer };
}

describe('formats conformance: what classroom tools print', () => {
  for (const example of EXAMPLES) {
    describe(example.tool, () => {
      const text = example.lines.map(line => line.line);

      it(`is found out as '${example.format}' and read with the names meant`, () => {
        const parser = new LineParser();
        check(
          text.map(line => parser.parse(line)),
          example.lines
        );
        expect(parser.format).toBe(example.format);
      });

      it(`reads the same with format '${example.format}'`, () => {
        const parser = new LineParser({ format: example.format });
        check(
          text.map(line => parser.parse(line)),
          example.lines
        );
      });

      it('reads the same from the bytes, the first (partial) line dropped, whole or byte by byte', () => {
        const stream = new TextEncoder().encode(`7.5${example.end}${text.join(example.end)}${example.end}`);
        for (const size of [stream.length, 1]) {
          const { parser, framer } = device('auto');
          const results: IParseResult[] = [];
          for (let at = 0; at < stream.length; at += size) {
            const { lines, bad } = framer.push(stream.subarray(at, at + size));
            expect(bad).toEqual([]);
            results.push(...lines.map(line => parser.parse(line)));
          }
          check(results, example.lines);
        }
      });
    });
  }
});

describe('formats conformance: the first line after the port opens', () => {
  const read = (format: LineFormat, text: string) => {
    const { parser, framer } = device(format);
    const { lines } = framer.push(new TextEncoder().encode(text));
    return lines.map(line => parser.parse(line).values);
  };

  it('keeps a header printed right after opening (a sketch that waits while (!Serial);)', () => {
    expect(read('auto', 'temperature\thumidity\r\n21.5\t40\r\n')).toEqual([null, { temperature: 21.5, humidity: 40 }]);
    expect(read('auto', 'Sine:\tCosine:\r\n0.84\t0.54\r\n')).toEqual([null, { Sine: 0.84, Cosine: 0.54 }]);
    expect(read('auto', 'Sine:\tCosine\r\n0.84\t0.54\r\n')).toEqual([null, { Sine: 0.84, Cosine: 0.54 }]);
    expect(read('auto', 'time,temp\r\n1,21.5\r\n')).toEqual([null, { time: 1, temp: 21.5 }]);
    expect(read('auto', 'Zeit;Temperatur\r\n1;21,5\r\n')).toEqual([null, { Zeit: 1, Temperatur: 21.5 }]);
    expect(read('tuple', "('temperature', 'humidity')\r\n(21.5, 40)\r\n")).toEqual([
      null,
      { temperature: 21.5, humidity: 40 }
    ]);
  });

  it('drops a first line that is not a whole header: the end of a reading, or a message', () => {
    expect(read('auto', 'midity:39.00\r\ntemp:21.50\r\n')).toEqual([{ temp: 21.5 }]);
    expect(read('auto', '5\t40\r\n21.5\t40\r\n')).toEqual([{ 'value 1': 21.5, 'value 2': 40 }]);
    expect(read('auto', 'ure: 21.5\r\ntemperature: 21.6\r\n')).toEqual([{ temperature: 21.6 }]);
    expect(read('auto', '"t":1,"s":2,"v":3}\r\n{"t":1,"s":2,"n":"a","v":3}\r\n')).toEqual([{ a: 3 }]);
    expect(read('auto', 'Starting...\r\ntemp:21\r\n')).toEqual([{ temp: 21 }]);
    expect(read('csv', '5,40\r\n21.5,40\r\n')).toEqual([{ 'value 1': 21.5, 'value 2': 40 }]);
  });
});

describe('formats conformance: what is never a header or a reading', () => {
  it('reports a traceback line, never a value from its line number', () => {
    for (const format of ['auto', 'plotter', 'labels', 'csv'] as const) {
      const parser = new LineParser({ format });
      parser.parse('temperature:21 light:134');
      const result = parser.parse('  File "main.py", line 36, in <module>');
      expect([format, result.values]).toEqual([format, null]);
      expect(result.bad.length).toBeGreaterThan(0);
    }
  });

  it('reports messages printed before the first reading, and still finds the format after them', () => {
    const parser = new LineParser();
    for (const line of ['Starting...', 'Traceback (most recent call last):', 'Type "help()" for more information.']) {
      const result = parser.parse(line);
      expect(result.values).toBeNull();
      expect(result.bad).toHaveLength(1);
    }
    expect(parser.format).toBe('auto');
    expect(parser.names).toEqual([]);
    expect(parser.parse('temperature: 21.5').values).toEqual({ temperature: 21.5 });
    expect(parser.format).toBe('labels');
  });

  it('never takes ; lines, key=value pairs or sensor failures for a silent header', () => {
    for (const line of ['21,5;40,2', 'temp=21.5 hum=40', 'temp=21.5', 'nan\tnan', 'Ready!']) {
      const parser = new LineParser();
      const result = parser.parse(line);
      expect([line, result.values !== null || result.bad.length > 0]).toEqual([line, true]);
      expect(parser.names).toEqual([]);
    }
  });

  it('keeps t and s of a radio packet out of the channels, and the sender in the result', () => {
    const result = new LineParser().parse('{"t":3021,"s":1923449,"n":"temp","v":21}');
    expect(result).toEqual({ values: { temp: 21 }, bad: [], sender: 1923449 });
  });
});
