import { defineConfig } from 'tsup';
import { manifestFields } from '../../tools/tsup.vendor.js';

export default defineConfig({
  entry: { index: 'src/index.ts', 'graphql-request': 'src/transport/graphql-request.ts', testing: 'src/testing/index.ts', 'schema-check': 'src/schema-check/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  esbuildPlugins: [manifestFields],
  target: 'node20',
  sourcemap: false,
  // Less source for V8 to parse at import (cold start); names are kept, so stack traces still name functions.
  minifyWhitespace: true,
  minifySyntax: true,
  // Short lines: Node prints the whole source line above an uncaught error's stack (no 60 KB lines in users' logs).
  esbuildOptions: (options) => {
    options.lineLimit = 240; // as tools/merge-entry-chunks.mjs
  },
});
