import { defineConfig } from 'tsup';

// The CLI is an application: one ESM entry with a shebang; the SDK packages stay dependencies.
export default defineConfig({
  entry: { bin: 'src/bin.ts' },
  format: ['esm'],
  dts: false,
  clean: true,
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  external: ['@sdk/core', '@sdk/wherever', '@sdk/totogi', '@sdk/myphone', 'graphql', 'msw'],
});
