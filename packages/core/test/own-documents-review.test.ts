/** Hostile review of issue 14 (own documents): careless/malicious documents and a hostile server for custom walks. */
import { Kind, parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError, PaginationError, ValidationError, createExecutor, noAuth, prepareOperation } from '@sdk/core';
import { createRequestMethod } from '../src/client/request.js';
import { scriptedServer, type Scripted } from './helpers.js';

const servers: Scripted[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

describe('own documents: which operation runs, and of which kind', () => {
  it('a mutation is never misread as a query because an enum default value spells `query <Name>` (no re-send after a 503)', async () => {
    // Valid GraphQL when enum Mode has values `query` and `DoIt`: the default value is at depth 0, inside parentheses.
    const doc = 'query Helper($m: [Mode] = [query DoIt]) { a(m: $m) }\nmutation DoIt { pay(amount: 1) { id } }';
    expect(prepareOperation(doc, 'DoIt').kind).toBe('mutation');
    const server = await scriptedServer([{ status: 503 }, { json: { data: { pay: { id: '1' } } } }]);
    servers.push(server);
    const request = createRequestMethod(createExecutor({ endpoint: server.url, auth: noAuth(), retry: { ...fast, maxRetries: 3 } }), []);
    await expect(request(doc, {}, { operationName: 'DoIt' })).rejects.toBeInstanceOf(HttpError);
    // Counted at the server: the mutation was received once, and not re-sent.
    expect(server.seen.filter((s) => s.body.operationName === 'DoIt')).toHaveLength(1);
  });

  it('a variable, argument or directive argument named like a keyword is not an extra operation', () => {
    // `$query` is a common variable name (search fields); none of these documents holds more than one operation.
    expect(prepareOperation('query Search($query: String!) { search(query: $query) { id } }')).toMatchObject({ name: 'Search', kind: 'query', variables: ['query'] });
    expect(prepareOperation('mutation Save($mutation: String) { save(text: $mutation) { id } }')).toMatchObject({ name: 'Save', kind: 'mutation' });
    expect(prepareOperation('query Q($s: Int) @tag(subscription: 1) { a }')).toMatchObject({ name: 'Q', kind: 'query' });
    // Object values in a list default: `}` then `{` at brace depth 0 is not a shorthand query.
    expect(prepareOperation('query Q($f: [In] = [{ x: 1 } { x: 2 }]) { a(f: $f) }')).toMatchObject({ name: 'Q', kind: 'query' });
  });
});

describe('own documents: careless callers are refused before anything leaves', () => {
  it('subscriptions, __proto__ variables and keys, unknown like names and an operationName that differs send nothing', async () => {
    const server = await scriptedServer([{ json: { data: { a: 1 } } }]);
    servers.push(server);
    const request = createRequestMethod(createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast }), []);
    await expect(request('subscription S { a }')).rejects.toBeInstanceOf(ValidationError);
    await expect(request('query Q($x: Int) { a(x: $x) }', JSON.parse('{"__proto__": {"polluted": 1}}'))).rejects.toBeInstanceOf(ValidationError);
    await expect(request('query Q { a }', {}, { operationName: 'Other' })).rejects.toBeInstanceOf(ValidationError);
    await expect(request('query Q { a }', {}, { operationName: '__proto__' })).rejects.toBeInstanceOf(ValidationError);
    await expect(request('query A { a } mutation B { b }')).rejects.toBeInstanceOf(ValidationError);
    expect(() => request.all('query Q { a }', {}, { like: '__proto__' })).toThrow(ValidationError);
    expect(() => request.all('query Q { a }', {}, { like: 'constructor' })).toThrow(ValidationError);
    expect(server.seen).toHaveLength(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('own documents: a hostile server walking a custom list', () => {
  it('a repeated non-string nextToken is a PaginationError, not an endless walk', async () => {
    let pages = 0;
    const server = await scriptedServer(() => {
      pages++;
      return { json: { data: { list: { items: [{ id: String(pages) }], next: { t: 'same' } } } } };
    });
    servers.push(server);
    const request = createRequestMethod(createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast }), []);
    const doc = 'query L($token: String) { list(token: $token) { items { id } next } }';
    const walk = request.pages(doc, {}, { path: ['list'], pagination: { style: 'nextToken', items: 'items', next: 'next', tokenVar: 'token' } });
    let seen = 0;
    let error: unknown;
    try {
      for await (const _ of walk) if (++seen >= 10) break; // bound: the server would answer forever
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PaginationError);
    expect(seen).toBeLessThan(10);
  });
});

describe('own documents: walk resume positions against a hostile server', () => {
  it('a page missing its items list throws a PaginationError and the walk resumes at that page', async () => {
    const server = await scriptedServer((n) =>
      n === 0 ? { json: { data: { list: { items: [{ id: '1' }, { id: '2' }, { id: '3' }], next: 'a' } } } } : n === 1 ? { json: { data: { list: { next: 'b' } } } } : { json: { data: { list: { items: [{ id: '4' }], next: null } } } },
    );
    servers.push(server);
    const request = createRequestMethod(createExecutor({ endpoint: server.url, auth: noAuth(), retry: fast }), []);
    const doc = 'query L($token: String, $limit: Int) { list(token: $token, limit: $limit) { items { id } next } }';
    const spec = { style: 'nextToken', items: 'items', next: 'next', tokenVar: 'token', limitVar: 'limit' } as const;
    const items = request.all<{ id: string }>(doc, { limit: 2 }, { path: ['list'], pagination: spec }); // page 1 is larger than asked
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const item of items) got.push(item.id);
      })(),
    ).rejects.toBeInstanceOf(PaginationError);
    expect(got).toEqual(['1', '2', '3']); // nothing of the oversized page lost
    expect(items.position).toEqual({ token: 'a' });
    const rest: string[] = [];
    for await (const item of request.all<{ id: string }>(doc, { limit: 2, ...items.position }, { path: ['list'], pagination: spec })) rest.push(item.id);
    expect(rest).toEqual(['4']);
    expect(server.seen.map((s) => s.body.variables)).toEqual([{ limit: 2 }, { limit: 2, token: 'a' }, { limit: 2, token: 'a' }]);
  });
});

describe('own documents: the lexer and printer agree with graphql-js', () => {
  const docs = [
    'query Q { a(s: """ \\""" mutation X { b } """) }',
    '# mutation M { x }\r\nquery Q { a }',
    'query Q { a(s: "\\u0022 mutation { x } \\\\") }',
    'query Q { a(s: "\\u{1F600} {") }',
    '\ufeffquery Q { a }',
    'query Q($a: Int = -1, $b: Float = 1.5e-3, $c: [String] = ["", "x"]) @d(x: "") { a(x: $a y: $b z: $c) }',
    'query Q { a(l: ["" ""]) }',
    'query Q { a(l: [1 -2 3.0e+1]) }',
    '{ ...F } fragment F on T { a }',
    'fragment F on T { a } { ...F }',
    'fragment mutation on T { a } query Q { ...mutation }',
    'query Q { ... on T { a } ... @include(if: true) { b } }',
    'subscription S { a }',
    'query Q { a(o: { query: 1, mutation: { x: [query] } }) }',
    'query on { a }',
    'mutation fragment { a }',
  ];
  it('names, kinds and sent text match graphql-js for tricky documents (strings, comments, BOM, keywords as names)', () => {
    const norm = (x: unknown, drop: string[]) => JSON.stringify(x, (k, v) => (drop.includes(k) ? undefined : v));
    for (const d of docs) {
      const ast = parse(d);
      const ops = ast.definitions.filter((x) => x.kind === Kind.OPERATION_DEFINITION) as { operation: string; name?: { value: string } }[];
      const op = prepareOperation(d);
      expect([op.kind, op.name], d).toEqual([ops[0]!.operation, ops[0]!.name?.value ?? `anonymous ${ops[0]!.operation}`]);
      expect(norm(parse(op.document), ['loc']), d).toBe(norm(ast, ['loc']));
      // The same document as an AST (no source) prints to the same document (block strings become plain ones).
      expect(norm(parse(prepareOperation(JSON.parse(JSON.stringify(ast))).document), ['loc', 'block']), d).toBe(norm(ast, ['loc', 'block']));
    }
  });

  it('a DocumentNode with parts the printer does not know (legacy fragment variables) is refused, not silently changed', () => {
    const ast = parse('query Q { ...F } fragment F($x: Int = 1) on T { a(x: $x) }', { allowLegacyFragmentVariables: true });
    let sent: string | undefined;
    try {
      sent = prepareOperation(ast as never).document;
    } catch {
      return; // refused: fine
    }
    expect(sent).toContain('($x:Int=1)');
  });
});
