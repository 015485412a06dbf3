// Published packages (issue 13 item 9, issue 14): complete metadata, every README link resolves inside the
// tarball (a `files` entry) or to an absolute URL, and each vendor ships its SDL and introspection.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, buildSchema, printSchema, lexicographicSortSchema, type IntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const packages = readdirSync(join(root, 'packages')).filter((p) => existsSync(join(root, 'packages', p, 'package.json')) && !JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')).private);
const pkgJson = (p: string) => JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')) as Record<string, any>;

describe.each(packages)('%s package', (p) => {
  const pkg = pkgJson(p);
  it('names its repository, homepage and issue tracker', () => {
    expect(pkg.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//), directory: `packages/${p}` });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\//);
  });

  it('every README link resolves inside the published files or is an absolute URL', () => {
    const readme = readFileSync(join(root, 'packages', p, 'README.md'), 'utf8');
    const files: string[] = pkg.files;
    const broken: string[] = [];
    for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:|#)/.test(target!)) continue;
      const path = target!.replace(/#.*$/, '').replace(/^\.\//, '');
      const shipped = files.some((f) => path === f || path.startsWith(f.replace(/\/$/, '') + '/'));
      if (!shipped || !existsSync(join(root, 'packages', p, path))) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });
});

describe.each(packages.filter((p) => p !== 'core' && p !== 'cli'))('@sdk/%s ships its schema', (p) => {
  const pkg = pkgJson(p);
  const dir = join(root, 'packages', p);
  it('exports schema.graphql and introspection.json, both in files and both describing the same schema as schema/', () => {
    expect(pkg.exports['./schema.graphql']).toBe('./schema.graphql');
    expect(pkg.exports['./introspection.json']).toBe('./introspection.json');
    expect(pkg.files).toEqual(expect.arrayContaining(['schema.graphql', 'introspection.json']));
    const source = readdirSync(join(dir, 'schema')).filter((f) => f.endsWith('.graphql')).map((f) => readFileSync(join(dir, 'schema', f), 'utf8')).join('\n');
    const expected = printSchema(lexicographicSortSchema(buildSchema(source)));
    expect(printSchema(lexicographicSortSchema(buildSchema(readFileSync(join(dir, 'schema.graphql'), 'utf8'))))).toBe(expected);
    const introspection = JSON.parse(readFileSync(join(dir, 'introspection.json'), 'utf8')) as IntrospectionQuery;
    expect(printSchema(lexicographicSortSchema(buildClientSchema(introspection)))).toBe(expected);
  });
});
