// Type-checks every ```ts block of every README so the docs cannot rot: each block becomes a module
// compiled against the package sources (tsconfig paths), with top-level await allowed.
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
  let n = 0;
  for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const name = `${readme.replace(/[/.]/g, '_')}_${++n}.ts`;
    writeFileSync(join(out, name), `// from ${readme}, block ${n}\n${match[1]}\nexport {};\n`);
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
