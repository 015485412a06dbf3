// Type-checks every ```ts block of every README so the docs cannot rot: each block becomes a module
// compiled against the package sources (tsconfig paths), with top-level await allowed.
// A README whose blocks share context (say, a `myphone` client made in the first block) states it once in
// an HTML comment, invisible when rendered: `<!-- readme-prelude ...code... -->`. The prelude is put in
// front of every block that does not declare those names itself; its imports yield to the block's own.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const out = '.readme-check';
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const readmes = ['README.md', ...readdirSync('packages').map((p) => join('packages', p, 'README.md')).filter(existsSync)];
const files = [];
for (const readme of readmes) {
  const text = readFileSync(readme, 'utf8');
  const prelude = /<!-- readme-prelude\n([\s\S]*?)-->/.exec(text)?.[1] ?? '';
  const preludeNames = [...prelude.matchAll(/^(?:const|let) (\w+)/gm)].map((m) => m[1]);
  let n = 0;
  for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const name = `${readme.replace(/[/.]/g, '_')}_${++n}.ts`;
    const block = match[1];
    const declares = preludeNames.some((v) => new RegExp(`(const|let) ${v}\\b`).test(block));
    const imported = new Set([...block.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((x) => x.replace(/\btype\b/, '').trim())));
    // Drop prelude imports the block makes itself, to avoid duplicate identifiers.
    const context = declares ? '' : prelude.replace(/import\s*(type\s*)?\{([^}]*)\}/g, (_m, t, names) => {
      const kept = names.split(',').map((x) => x.trim()).filter((x) => x && !imported.has(x.replace(/\btype\b/, '').trim()));
      return kept.length ? `import ${t ?? ''}{ ${kept.join(', ')} }` : '// (import given by the block)';
    });
    writeFileSync(join(out, name), `// from ${readme}, block ${n}\n${context}\n${block}\nexport {};\n`);
    files.push(name);
  }
}
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noUnusedLocals: false, noEmit: true }, include: ['*.ts'] }, null, 2),
);
try {
  execFileSync('npx', ['tsc', '-p', join(out, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  console.error(`README code blocks do not type-check (see ${out}/)`);
  process.exit(1);
}
console.log(`readme: ${files.length} code blocks from ${readmes.length} READMEs type-check`);
