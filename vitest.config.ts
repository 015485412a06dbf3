import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

// Tests run against the sources; the packed-package smoke tests check the built output separately.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@sdk\/core\/testing$/, replacement: src('core/src/testing/index.ts') },
      { find: /^@sdk\/core\/schema-check$/, replacement: src('core/src/schema-check/index.ts') },
      { find: /^@sdk\/core\/graphql-request$/, replacement: src('core/src/transport/graphql-request.ts') },
      { find: /^@sdk\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@sdk\/(wherever|totogi|myphone)\/testing$/, replacement: src('$1/src/testing/index.ts') },
      { find: /^@sdk\/(wherever|totogi|myphone)$/, replacement: src('$1/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
