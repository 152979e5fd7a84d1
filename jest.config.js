// Jest for the browser side: `npx jest` runs test/unit/*.spec.ts.
// The JupyterLab extension template's setup (jsdom environment, ts-jest, babel for the
// ES-module-only packages); the end-to-end specs in test/browser are Playwright's.
const jestJupyterLab = require('@jupyterlab/testutils/lib/jest-config');

const esModules = [
  '@codemirror',
  '@jupyter/ydoc',
  '@jupyter-widgets/',
  '@jupyterlab/',
  'lib0',
  'nanoid',
  'vscode-ws-jsonrpc',
  'y-protocols',
  'y-websocket',
  'yjs'
].join('|');

const baseConfig = jestJupyterLab(__dirname);

module.exports = {
  ...baseConfig,
  automock: false,
  // No junit.xml in the checkout; the summary on the terminal is the report.
  reporters: ['default'],
  roots: ['<rootDir>/test/unit'],
  testRegex: 'test/unit/.*\\.spec\\.ts$',
  transform: {
    ...baseConfig.transform,
    // Type-checked, with the test tsconfig (jest types, the sources and the specs).
    '^.+\\.tsx?$': ['ts-jest/legacy', { tsconfig: '<rootDir>/test/unit/tsconfig.json' }]
  },
  transformIgnorePatterns: [`/node_modules/(?!${esModules}).+`]
};
