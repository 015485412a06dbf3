import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * `import pkg from '../package.json'` bundles the whole manifest (1.5–2 KB every import parses); the
 * sources only read its name and version, so only those are bundled.
 */
export const manifestFields: Plugin = {
  name: 'manifest-fields',
  setup(build) {
    build.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
      const { name, version } = JSON.parse(readFileSync(args.path, 'utf8')) as { name: string; version: string };
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

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
    esbuildPlugins: [manifestFields],
    // Less source for V8 to parse at import (cold start); names are kept, so stack traces still name functions.
    minifyWhitespace: true,
    minifySyntax: true,
    // Short lines: Node prints the whole source line above an uncaught error's stack (no 60 KB lines in users' logs).
    esbuildOptions: (options) => {
      options.lineLimit = 240; // as tools/merge-entry-chunks.mjs
    },
  });
