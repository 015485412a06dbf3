/**
 * Review R1 of issue 16's lazy operation table (wave/c1): every client of a vendor in a process shares one
 * decoded descriptor per operation (as the eager table's module constants were shared). A careless caller who
 * edits `clientA.method.operation` must not change what another client validates or sends; counted at a
 * hostile loopback server. (Its own file: the descriptors are per module instance.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTotogiClient } from '@sdk/totogi';
import { createWhereverClient } from '@sdk/wherever';
import { closeAll, hostileServer, sendJson } from './lib.js';

afterEach(closeAll);

describe('review R1: one client cannot change what another sends through the shared descriptor', () => {
  it("a careless caller's edits to clientA.method.operation (document, required, bounds, pagination) change nothing clientB validates or sends", async () => {
    const data: Record<string, unknown> = { GetAccount: { getAccount: { __typename: 'Account', id: 'acc-1' } }, ListSims: { listSims: { items: [], nextToken: null, totalSims: 0 } } };
    const server = await hostileServer((req, res) => sendJson(res, { data: data[req.json?.operationName ?? ''] ?? {} }));
    const tokenProvider = { getAccessToken: async () => 'tok-shared-1' };
    // Library A's client: the caller "adjusts" its descriptors before any call (strict mode: an edit may throw).
    const a = createTotogiClient({ auth: { tokenProvider }, endpoint: server.url, retry: 0 });
    const aw = createWhereverClient({ apiKey: 'key-shared-a', endpoint: server.url, retry: 0 });
    const attempt = (edit: () => void) => {
      try {
        edit();
      } catch {
        // refused: what we want
      }
    };
    const op = a.getAccount.operation as unknown as Record<string, unknown> & { required: string[]; path: string[] };
    attempt(() => (op.document = 'query GetAccount { __typename }'));
    attempt(() => op.required.splice(0));
    attempt(() => op.path.push('hijacked'));
    const list = aw.listSims.operation as unknown as { bounds?: Array<{ max?: number }>; pagination: { pageSize?: number } };
    attempt(() => list.bounds?.forEach((b) => (b.max = 1e9)));
    attempt(() => (list.pagination.pageSize = 7));
    // Library B's client, same process: its first calls.
    const b = createTotogiClient({ auth: { tokenProvider }, endpoint: server.url, retry: 0 });
    const bw = createWhereverClient({ apiKey: 'key-shared-b', endpoint: server.url, retry: 0 });
    await expect(b.getAccount({ providerId: 'p1' } as never)).rejects.toMatchObject({ name: 'ValidationError', field: 'variables.accountId' });
    await expect(bw.listSims({ limit: 1e6 })).rejects.toMatchObject({ name: 'ValidationError' });
    expect(server.received).toHaveLength(0);
    await b.getAccount({ providerId: 'p1', accountId: 'acc-1' });
    await bw.listSims.all().toArray();
    expect(server.received.map((r) => r.json?.query?.slice(0, r.json.query.indexOf('(')))).toEqual(['query GetAccount', 'query ListSims']);
    expect(server.received[1]!.json?.variables).toMatchObject({ limit: 100 });
    expect(b.getAccount.operation.path).toEqual(['getAccount']);
  });
});
