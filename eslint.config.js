// ESLint (flat config) for the page, the scripts and the tests: the recommended rules, plus the few that catch what
// this code base has got wrong before. ./scripts/lint runs it with clang-format's check of the C++.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'web/tconv_wasm.js'] },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.browser },
    },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always'],
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Build DOM with web/dom.js el() and textContent: no markup from data.' },
        { property: 'outerHTML', message: 'Build DOM with web/dom.js el() and textContent: no markup from data.' }],
    },
  },
  {
    files: ['scripts/**', 'tests/**', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    // the engine's loader runs in browsers and in Node (it checks for process before reading the wasm file)
    files: ['web/engine.js'],
    languageOptions: { globals: { ...globals.browser, process: 'readonly' } },
  },
  {
    files: ['web/worker.js'],
    languageOptions: { globals: { ...globals.worker } },
  },
];
