import { afterEach, describe, expect, it } from 'vitest';
import { createMyPhoneClient, type DocumentTypeDecoration } from '@sdk/myphone';
import { createMyPhoneMock, generateSimcards } from '@sdk/myphone/testing';

/** What graphql-codegen's client preset emits with `documentMode: 'string'`. */
class TypedDocumentString<TResult, TVariables> extends String implements DocumentTypeDecoration<TResult, TVariables> {
  __apiType?: DocumentTypeDecoration<TResult, TVariables>['__apiType'];
  constructor(private value: string) {
    super(value);
  }
  override toString(): string {
    return this.value;
  }
}

type SimcardIdsQuery = { simcards: { items: ({ id: string; iccidPlastic: string | null } | null)[] | null; count: number | null } | null };
const SimcardIds = new TypedDocumentString<SimcardIdsQuery, { offset?: number | null; limit?: number | null }>(
  'query SimcardIds($offset: Int, $limit: Int) { simcards(pagination: { offset: $offset, limit: $limit }) { items { id iccidPlastic } count } }',
);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function setup(count = 7) {
  const api = createMyPhoneMock({ simcards: generateSimcards(count) });
  const server = await api.listen();
  closers.push(() => server.close());
  const myphone = createMyPhoneClient({ ...api.credentials, origin: server.origin, retry: { baseDelayMs: 1 } });
  return { api, myphone };
}

describe('myphone: client.request with your own document', () => {
  it('a narrower simcards selection survives expired tokens (refresh + replay) and a dropped connection (retried)', async () => {
    const { api, myphone } = await setup();
    await myphone.request(SimcardIds, { limit: 1 }); // logs in
    api.auth.expireAccessTokens();
    api.failNext(1, { network: true });
    const data = await myphone.request(SimcardIds, { limit: 3 });
    expect(data.simcards!.items).toHaveLength(3);
    for (const sim of data.simcards!.items!) expect(Object.keys(sim!).sort()).toEqual(['iccidPlastic', 'id']);
    expect(api.auth.loginCalls).toBe(1);
    expect(api.auth.refreshCalls).toBe(1);
    const sent = api.requests.filter((r) => r.operationName === 'SimcardIds');
    // login call, the dropped one, the refused (expired) one, the replay after refresh
    expect(sent.length).toBe(4);
    expect(sent.every((r) => /^Bearer /.test(r.headers.authorization ?? ''))).toBe(true);
  });
});

describe('myphone: walking your own list document (offset)', () => {
  it('walks a narrower simcards across 4 pages like the generated method, in order, with concurrency', async () => {
    const { api, myphone } = await setup(10);
    const walk = myphone.request.all(SimcardIds, { limit: 3 }, { like: 'simcards', concurrency: 2 });
    const ids: string[] = [];
    for await (const sim of walk) ids.push(sim.id);
    expect(ids).toEqual([...api.state.simcards.values()].map((s) => s.id).slice(0, 10));
    const offsets = api.requests.filter((r) => r.operationName === 'SimcardIds').map((r) => r.variables.offset);
    expect(offsets.sort()).toEqual([0, 3, 6, 9]);
    expect(walk.done).toBe(true);
  });

  it('without a count the walk reads page by page until a short page', async () => {
    const { api, myphone } = await setup(7);
    const doc = 'query NoCount($offset: Int, $limit: Int) { simcards(pagination: { offset: $offset, limit: $limit }) { items { id } } }';
    const pages = myphone.request.pages<{ items: { id: string }[] }>(doc, { limit: 3 }, { path: ['simcards'], pagination: { style: 'offset', items: 'items', offsetVar: 'offset', limitVar: 'limit' } });
    const sizes: number[] = [];
    for await (const page of pages) sizes.push(page.items.length);
    expect(sizes).toEqual([3, 3, 1]);
    expect(api.requests.filter((r) => r.operationName === 'NoCount')).toHaveLength(3);
  });
});
