// Lint rules for hand-written code; generated code and build output are excluded.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/generated/**', '**/coverage/**', 'docs/api/**', '.readme-check/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly', AbortController: 'readonly', Response: 'readonly', Headers: 'readonly', TextEncoder: 'readonly', ReadableStream: 'readonly', crypto: 'readonly', structuredClone: 'readonly', performance: 'readonly', module: 'readonly', require: 'readonly', __dirname: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  // Scripts, examples and tests report to the console on purpose.
  { files: ['examples/**', 'bench/**', 'scripts/**', 'tools/**', '**/test/**', 'test/**'], rules: { 'no-console': 'off' } },
);
