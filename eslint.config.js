// ESLint for the TypeScript (src/, test/unit, test/browser): the JupyterLab extension template's rules.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');
const globals = require('globals');

module.exports = tseslint.config(
  {
    ignores: [
      'lib/',
      'node_modules/',
      'python_shim/sensorlab/labextension/',
      'test/servers/ethercalc/',
      'test-results/',
      'playwright-report/',
      'bench/.work/',
      '.venv/',
      '.venv-lite/',
      'build/'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        { selector: 'interface', format: ['PascalCase'], custom: { regex: '^I[A-Z]', match: true } }
      ],
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-namespace': 'off',
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error'
    }
  },
  {
    // Configuration files run under Node, as CommonJS.
    files: ['*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: globals.node }
  },
  {
    // Injected into the test browser's page.
    files: ['test/browser/**/*.js'],
    languageOptions: { globals: globals.browser }
  }
);
