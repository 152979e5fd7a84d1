// Merged by @jupyterlab/builder into its own configuration ("webpackConfig" in package.json).
module.exports = {
  // Classroom bug reports come with a stack trace; source maps turn it into lines of src/.
  devtool: 'source-map',
  performance: {
    // The extension is loaded on every JupyterLab start: warn if it grows past 200 KB.
    maxAssetSize: 200 * 1024,
    maxEntrypointSize: 200 * 1024,
    hints: 'warning'
  }
};
