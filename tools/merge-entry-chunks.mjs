// After `tsup`: folds the chunks the ESM main entry imports statically into dist/index.js, so `import` of
// the package reads ONE file. Node's ESM loader costs ~1.3 ms per module file at import (measured; more
// than parsing the same bytes in one file), and code splitting (lazy chunks, the /testing entry) leaves
// the main entry importing several shared chunks. Files that imported a folded chunk (lazy chunks, other
// entries) import the same bindings from ./index.js instead, under `__chunk<n>_*` names, so every module
// still exists once.
// Then the CommonJS build is made from those ESM files, one .cjs per .js (`cjsFromEsm`), so it loads the
// same code at `require` and the same chunks on first use (tsup's own CJS build inlines every lazy chunk).
// Usage: node tools/merge-entry-chunks.mjs <dist dir>
import { build, transform } from 'esbuild';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CHUNK_IMPORT = /(import|export)\s*\{([^}]*)\}\s*from\s*"\.\/(chunk-[\w-]+\.js)"/g;
const CHUNK_BARE_IMPORT = /import\s*"\.\/(chunk-[\w-]+\.js)"/g;

/** Longest output line (see the tsup configs): an uncaught error prints its whole source line. */
export const LINE_LIMIT = 240;

export async function mergeEntryChunks(dist, entry = 'index.js') {
  dist = resolve(dist);
  const external = { name: 'lazy-external', setup: (b) => b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' || !args.path.startsWith('.') && args.kind !== 'entry-point' ? { path: args.path, external: true } : undefined)) };
  // Which chunks the entry loads at import: its static closure.
  const probe = await build({ entryPoints: [join(dist, entry)], bundle: true, write: false, metafile: true, format: 'esm', platform: 'node', plugins: [external], logLevel: 'silent' });
  const folded = Object.keys(probe.metafile.inputs)
    .map((f) => resolve(f))
    .filter((f) => /\/chunk-[\w-]+\.js$/.test(f))
    .map((f) => f.slice(dist.length + 1));
  if (folded.length === 0) return folded;
  // Short names (every one is parsed at import): `__chunk<n>_<binding>`, n the folded chunk's index.
  const tag = (chunk) => `__chunk${folded.indexOf(chunk)}_`;
  const reexports = [];
  for (const chunk of folded) {
    const names = Object.keys(await import(pathToFileURL(join(dist, chunk)).href));
    if (names.length) reexports.push(`export { ${names.map((n) => `${n} as ${tag(chunk)}${n}`).join(', ')} } from './${chunk}';`);
  }
  const merged = await build({
    stdin: { contents: `export * from './${entry}';\n${reexports.join('\n')}\n`, resolveDir: dist, sourcefile: '__merged-entry.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    lineLimit: LINE_LIMIT,
    plugins: [external],
    logLevel: 'silent',
  });
  const others = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== entry && !folded.includes(f));
  for (const file of others) {
    const path = join(dist, file);
    const text = readFileSync(path, 'utf8');
    const next = text
      .replace(CHUNK_IMPORT, (all, kind, list, chunk) => {
        if (!folded.includes(chunk)) return all;
        const specs = list.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
          const [name, alias = name] = s.split(/\s+as\s+/);
          return `${tag(chunk)}${name} as ${alias}`;
        });
        return `${kind}{${specs.join(',')}}from"./${entry}"`;
      })
      .replace(CHUNK_BARE_IMPORT, (all, chunk) => (folded.includes(chunk) ? `import"./${entry}"` : all));
    // A bare import of the entry beside a named one is redundant, and bundlers warn about it (sideEffects: false).
    const esc = entry.replace(/\./g, '\\.');
    const named = new RegExp(`\\}\\s*from\\s*"\\./${esc}"`).test(next);
    const tidy = named ? next.replace(new RegExp(`import\\s*"\\./${esc}";?`, 'g'), '') : next;
    if (tidy !== text) writeFileSync(path, tidy);
  }
  writeFileSync(join(dist, entry), merged.outputFiles[0].contents);
  for (const chunk of folded) rmSync(join(dist, chunk));
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(dist, file), 'utf8');
    const stale = folded.filter((chunk) => text.includes(`./${chunk}"`));
    if (stale.length) throw new Error(`merge-entry-chunks: ${file} still imports ${stale.join(', ')}`);
  }
  return folded;
}

const RELATIVE_FROM = /\bfrom\s*"\.\/([\w-]+)\.js"/g;
const RELATIVE_BARE = /\bimport\s*"\.\/([\w-]+)\.js"/g;
const RELATIVE_DYNAMIC = /\bimport\(\s*"\.\/([\w-]+)\.js"\s*\)/g;

/**
 * Replaces every .cjs in `dist` with the CommonJS form of the .js beside it: static imports of our own
 * files become `require("./x.cjs")`, and a dynamic import of one becomes a `require` on first use (one
 * instance per file, shared with the entry; packages keep their `import()`, as tsup's CJS build did).
 */
export async function cjsFromEsm(dist) {
  dist = resolve(dist);
  const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.cjs'))) rmSync(join(dist, file));
  for (const file of files) {
    const esm = readFileSync(join(dist, file), 'utf8')
      .replace(RELATIVE_FROM, 'from"./$1.cjs"')
      .replace(RELATIVE_BARE, 'import"./$1.cjs"')
      .replace(RELATIVE_DYNAMIC, 'Promise.resolve().then(()=>require("./$1.cjs"))');
    const { code } = await transform(esm, { format: 'cjs', platform: 'node', target: 'node20', minifyWhitespace: true, minifySyntax: true, lineLimit: LINE_LIMIT, sourcefile: file, logLevel: 'error' });
    const stale = /\bimport\(\s*"\.|require\("\.\/[\w-]+\.js"\)/.exec(code);
    if (stale) throw new Error(`merge-entry-chunks: ${file} → .cjs still loads ESM: ${stale[0]}`);
    writeFileSync(join(dist, file.replace(/\.js$/, '.cjs')), code);
  }
  return files.length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dist = process.argv[2] ?? 'dist';
  const folded = await mergeEntryChunks(dist);
  const cjs = await cjsFromEsm(dist);
  console.log(`merge-entry-chunks: folded ${folded.length} chunk(s) into ${join(dist, 'index.js')}; ${cjs} CommonJS file(s) made from the ESM build`);
}
