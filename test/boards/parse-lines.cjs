// Prints what sensorlab's LineParser (src/sources/lines.ts) reads from each line on stdin: one JSON result a line,
// with the `source` (and `device`) its reading gets when a radio gateway relays it from another micro:bit.
// node test/boards/parse-lines.cjs [FORMAT]; one parser for all the lines, as for one device.
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

// The parser's TypeScript, compiled as it is loaded: no build needed, and its own imports work. JupyterLab's
// packages it imports (the translator, for the words of its problems) are ES modules: compiled the same way.
const compile = (module, filename) => {
  const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  module._compile(
    ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions: options }).outputText,
    filename
  );
};
const loadJs = require.extensions['.js'];
require.extensions['.ts'] = compile;
require.extensions['.js'] = (module, filename) =>
  /[\\/]node_modules[\\/]@(jupyterlab|lumino)[\\/]/.test(filename)
    ? compile(module, filename)
    : loadJs(module, filename);
const { LineParser, sentBy } = require(path.join(__dirname, '../../src/sources/lines.ts'));

const parser = new LineParser({ format: process.argv[2] ?? 'auto' });
const lines = fs.readFileSync(0, 'utf8').split('\n');
if (lines[lines.length - 1] === '') {
  lines.pop();
}
for (const line of lines) {
  const result = parser.parse(line);
  process.stdout.write(JSON.stringify({ ...result, ...sentBy(result) }) + '\n');
}
