/**
 * Hostile review of the variable check (issue 11 class 10): careless callers. Each wrong value must end in
 * a ValidationError naming the variable path, with 0 requests at the server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '@sdk/core';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, sendJson } from './lib.js';

afterEach(closeAll);

type AnyMethod = (variables?: unknown) => Promise<unknown>;

async function wherever() {
  const server = await hostileServer((_r, res) => sendJson(res, { data: { updateSim: { iccid: '1', statusid: 2 }, listSims: { items: [] } } }));
  const client = createWhereverClient({ apiKey: 'wk-review-key', endpoint: server.url, retry: 0 });
  return { server, updateSim: client.updateSim as unknown as AnyMethod, listSims: client.listSims as unknown as AnyMethod };
}

describe('careless callers of the variable check', () => {
  it('a getter that throws deep in a filter: the ValidationError names the path it was reading', async () => {
    const { server, listSims } = await wherever();
    const iccid = {
      get eq(): string {
        throw new Error('lazy value not loaded');
      },
    };
    const err = await listSims({ limit: 10, filter: { iccid } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(server.received).toHaveLength(0);
    expect((err as ValidationError).field).toBe('variables.filter.iccid.eq');
  });
});

describe('careless values that held (refused with the path, nothing sent)', () => {
  class Filter {
    iccid = { eq: '8988' };
  }
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { iccid: '8988280666000000001', custom_field_1: 5 });
  const deep: Record<string, unknown> = {};
  let node = deep;
  for (let i = 0; i < 10_000; i++) node = (node.and = {}) as Record<string, unknown>;
  const cases: [string, 'listSims' | 'updateSim', unknown, string | RegExp][] = [
    ['a class instance as the filter', 'listSims', { limit: 10, filter: new Filter() }, 'variables.filter'],
    ['Object.create(null) variables with a wrong field', 'updateSim', nullProto, 'variables.custom_field_1'],
    ["'1e3' for an Int", 'listSims', { limit: '1e3' }, 'variables.limit'],
    ['an unknown key in a filter', 'listSims', { limit: 10, filter: { icid: { eq: '1' } } }, 'variables.filter.icid'],
    ['a 10,000-deep filter', 'listSims', { limit: 10, filter: deep }, /^variables\.filter/],
    ['a huge string where an Int goes', 'listSims', { limit: 'x'.repeat(10_000_000) }, 'variables.limit'],
  ];
  it.each(cases)('%s', async (_t, method, variables, field) => {
    const w = await wherever();
    const err = await w[method](variables).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    if (typeof field === 'string') expect((err as ValidationError).field).toBe(field);
    else expect((err as ValidationError).field).toMatch(field);
    expect((err as Error).message.length).toBeLessThan(500);
    expect(w.server.received).toHaveLength(0);
  });
});
