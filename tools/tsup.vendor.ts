import { defineConfig } from 'tsup';

/**
 * Build of a vendor package: ESM + CJS + .d.ts for the main and `/testing` entries. @sdk/core stays a
 * dependency (shared between vendor packages) and graphql/msw stay peers of the testing entry.
 */
export const vendorTsup = () =>
  defineConfig({
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    external: ['@sdk/core', 'graphql', 'msw'],
    // Less source for V8 to parse at import (cold start); names are kept, so stack traces still name functions.
    minifyWhitespace: true,
    minifySyntax: true,
    // Short lines: Node prints the whole source line above an uncaught error's stack (no 60 KB lines in users' logs).
    esbuildOptions: (options) => {
      options.lineLimit = 240; // as tools/merge-entry-chunks.mjs
    },
  });
