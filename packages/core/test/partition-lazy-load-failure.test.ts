/**
 * Partitioned walks and segments load their code (paginate/partition.ts) on the walk's first page. When
 * that load fails (a file a bundler or a deploy step dropped), the walk fails like any other: a
 * PaginationError naming the cause, at the walk's start position, with no request sent and no hang.
 */
import { describe, expect, it, vi } from 'vitest';
import { PaginationError, paginate, type PaginationSpec } from '@sdk/core';

vi.mock('../src/paginate/partition.ts', () => {
  throw new Error('chunk partition missing');
});

const spec: PaginationSpec = { style: 'nextToken', items: 'items', next: 'nextToken', tokenVar: 'nextToken', limitVar: 'limit', split: { style: 'prefix', filter: 'filter.iccid', field: 'iccid', count: 'total', alphabet: '0123456789' } };
const offsetSpec: PaginationSpec = { style: 'offset', items: 'items', count: 'count', offsetVar: 'offset', limitVar: 'limit' };

describe('the partitioned-walk code cannot be loaded', () => {
  it.each([
    ['parts', spec, { parts: 2 }],
    ['segment', spec, { segment: { index: 0, count: 2 } }],
    ['offset segment', offsetSpec, { segment: { index: 1, count: 3 } }],
  ] as const)('%s: the first page throws a PaginationError with the cause; nothing is sent; later walks fail the same way', async (_name, pageSpec, options) => {
    const fetchPage = vi.fn(async () => ({ items: [], nextToken: null }));
    for (let attempt = 0; attempt < 2; attempt++) {
      const walk = paginate(pageSpec, fetchPage, { limit: 10 }, options, 'ListSims');
      const pages = walk[Symbol.asyncIterator]();
      const error = await pages.next().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(PaginationError);
      expect((error as PaginationError).message).toMatch(/^ListSims: the code for partitioned walks and segments could not be loaded/);
      expect(String(((error as PaginationError).cause as Error).message)).toMatch(/chunk partition missing|mocking a module/);
      expect((error as PaginationError).cursor).toEqual(walk.position);
      await expect(pages.next()).resolves.toEqual({ done: true, value: undefined });
    }
    expect(fetchPage).not.toHaveBeenCalled();
  });
});
