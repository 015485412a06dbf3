// 6. Size: esbuild-bundled (minified, gzip) size of a small consumer of each vendor's main entry.
// Deterministic, so the budgets are enforced (also in CI); the /testing entry, msw, graphql and OpenTelemetry must stay out.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fmt, table } from '../lib.mjs';

/** Budgets in KB, gzip. Raise one only with a reason in bench/RESULTS.md. */
// Issue 14 (client.request, ~2.8 KB) and issue 17 (OpenTelemetry, ~3.4 KB) plus the wave's transport, auth and codegen growth;
// issue 16's cold start moved telemetry, the real-time protocols and the schema checker out of import (wherever 36.9 → 32.3).
// Then partitioned walks moved to a chunk of their own and package.json to its name and version (wherever 32.3 → 28.6, totogi → 36.8, myphone → 30.4).
export const BUDGETS = { '@sdk/wherever': 30.5, '@sdk/totogi': 38.5, '@sdk/myphone': 32 };
const consumers = {
  '@sdk/wherever': "import { createWhereverClient } from '@sdk/wherever'; const c = createWhereverClient({ apiKey: 'k' }); for await (const s of c.listSims.all()) console.log(s.iccid);",
  '@sdk/totogi': "import { createTotogiClient } from '@sdk/totogi'; console.log(createTotogiClient);",
  '@sdk/myphone': "import { createMyPhoneClient } from '@sdk/myphone'; console.log(createMyPhoneClient);",
};
const FORBIDDEN = [/node_modules\/(\.pnpm\/)?(msw|graphql|graphql-request|@opentelemetry)[@/+]/, /\/testing\//, /src\/generated\/schema/];

export async function size() {
  const rows = [];
  let ok = true;
  for (const [pkg, code] of Object.entries(consumers)) {
    let result;
    try {
      // Code split as bundlers do: what `import` loads is the entry chunk and its static imports; dynamic
      // imports (the SDL and checker for checkSchema, graphql, the real-time client, telemetry) load on first use.
      const dir = new URL('..', import.meta.url).pathname;
      const entry = join(dir, `.size-${pkg.replace(/\W/g, '_')}.mjs`);
      writeFileSync(entry, code);
      try {
        result = await build({ entryPoints: [entry], bundle: true, minify: true, platform: 'node', format: 'esm', splitting: true, outdir: join(dir, '.size-out'), write: false, metafile: true, logLevel: 'silent' });
      } finally {
        rmSync(entry, { force: true });
      }
    } catch {
      rows.push({ package: pkg, 'min KB': '-', 'gzip KB': '-', budget: BUDGETS[pkg], ok: 'not built' });
      continue;
    }
    // What `import` loads: the entry chunk and the chunks it imports statically (not the dynamic ones).
    const outputs = result.metafile.outputs;
    const [entryPath] = Object.entries(outputs).find(([, o]) => o.entryPoint);
    const loaded = new Set();
    const visit = (path) => {
      if (loaded.has(path)) return;
      loaded.add(path);
      for (const i of outputs[path].imports) if (i.kind === 'import-statement' && outputs[i.path]) visit(i.path);
    };
    visit(entryPath);
    const files = [...loaded].map((path) => result.outputFiles.find((f) => f.path.endsWith(path.split('/').pop())).contents);
    const bytes = Buffer.concat(files);
    const gz = files.reduce((n, f) => n + gzipSync(f, { level: 9 }).length, 0) / 1024;
    const leaked = [...loaded].flatMap((path) => Object.keys(outputs[path].inputs)).filter((f) => FORBIDDEN.some((re) => re.test(f)));
    const pass = gz <= BUDGETS[pkg] && leaked.length === 0;
    ok &&= pass;
    const offenders = [...new Set(leaked.map((f) => /node_modules\/(?:\.pnpm\/)?(@?[^@/]+)/.exec(f)?.[1] ?? f))];
    rows.push({ package: pkg, 'min KB': fmt(bytes.length / 1024, 1), 'gzip KB': fmt(gz, 1), 'budget gzip KB': BUDGETS[pkg], 'testing/msw/graphql pulled in': offenders.length ? offenders.join(', ') : 'no', ok: pass });
  }
  table('6. Size: bundled consumer of each main entry, what `import` loads (esbuild, code split, minified, gzip)', rows);
  return ok;
}
