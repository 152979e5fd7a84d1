// For jest: turns the ES-module-only packages of node_modules into CommonJS.
module.exports = require('@jupyterlab/testutils/lib/babel.config');
