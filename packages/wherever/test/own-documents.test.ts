import { parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, AuthError, HttpError, ValidationError, createWhereverClient, type DocumentTypeDecoration, type SdkEvent } from '@sdk/wherever';
import { createWhereverMock, generateSims } from '@sdk/wherever/testing';

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

type SimIdsQuery = { listSims: { items: ({ iccid: string; statusid: number | null } | null)[] | null; nextToken: string | null } | null };
type SimIdsVariables = { limit: number; nextToken?: string | null; filter?: { statusid?: { in?: number[] } } | null };
const SimIds = new TypedDocumentString<SimIdsQuery, SimIdsVariables>(`
  # only what the service needs
  query SimIds($limit: Int!, $nextToken: String, $filter: SimFilterInput) {
    listSims(limit: $limit, nextToken: $nextToken, filter: $filter) { items { iccid statusid } nextToken }
  }
`);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function setup(sims = generateSims(7)) {
  const api = createWhereverMock({ sims });
  const server = await api.listen();
  closers.push(() => server.close());
  const events: SdkEvent[] = [];
  const wherever = createWhereverClient({ apiKey: api.apiKey, endpoint: server.endpoint, retry: { baseDelayMs: 1 }, onEvent: (e) => events.push(e) });
  return { api, wherever, events };
}

describe('wherever: client.request with your own document', () => {
  it('sends a narrower selection through auth and a retried 503, and gets exactly those fields', async () => {
    const { api, wherever, events } = await setup();
    api.failNext(1, { status: 503 });
    const data = await wherever.request(SimIds, { limit: 3 });
    expect(data.listSims!.items).toHaveLength(3);
    for (const sim of data.listSims!.items!) expect(Object.keys(sim!).sort()).toEqual(['iccid', 'statusid']);
    // Counted at the server: two attempts, both with the API key, the second the same minified document.
    const sent = api.requests.filter((r) => r.operationName === 'SimIds');
    expect(sent).toHaveLength(2);
    expect(sent.every((r) => r.headers.authorization === api.apiKey)).toBe(true);
    expect(sent[1]!.query).toBe('query SimIds($limit:Int!$nextToken:String$filter:SimFilterInput){listSims(limit:$limit nextToken:$nextToken filter:$filter){items{iccid statusid}nextToken}}');
    expect(events.filter((e) => e.type === 'retry')).toHaveLength(1);
  });

  it('withResponse gives status, request id and attempts', async () => {
    const { api, wherever } = await setup();
    api.failNext(1, { network: true });
    const res = await wherever.request.withResponse(SimIds, { limit: 1 });
    expect(res.response.status).toBe(200);
    expect(res.response.attempts).toBe(2);
    expect(res.data.listSims!.items).toHaveLength(1);
  });

  it('never re-sends a mutation after a 503 unless the caller opts in', async () => {
    const { api, wherever } = await setup();
    const doc = 'mutation Rename($iccid: ID!, $label: String) { updateSim(iccid: $iccid, custom_field_1: $label) { iccid custom_field_1 } }';
    const iccid = [...api.state.sims.keys()][0]!;
    api.failNext(1, { status: 503 });
    await expect(wherever.request(doc, { iccid, label: 'x' })).rejects.toBeInstanceOf(HttpError);
    expect(api.requests.filter((r) => r.operationName === 'Rename')).toHaveLength(1);
    api.failNext(1, { status: 503 });
    const data = await wherever.request<{ updateSim: { iccid: string; custom_field_1: string } }>(doc, { iccid, label: 'y' }, { retry: { retryMutations: true } });
    expect(data.updateSim.custom_field_1).toBe('y');
  });

  it('accepts a DocumentNode (printed once) and a plain string, anonymous or named', async () => {
    const { api, wherever } = await setup();
    const node = parse('query Stats { getStatistics { totalSimCards } }');
    expect(await wherever.request(node)).toEqual({ getStatistics: { totalSimCards: 7 } });
    expect(await wherever.request('{ getStatistics { activeSimCards } }')).toEqual({ getStatistics: { activeSimCards: expect.any(Number) } });
    const anonymous = api.requests.at(-1)!;
    expect(anonymous.operationName).toBeNull();
  });

  it('refuses a wrong API key as AuthError, and rejects bad input before anything leaves', async () => {
    const { api } = await setup();
    const server = await api.listen();
    closers.push(() => server.close());
    const other = createWhereverClient({ apiKey: 'wrong-key', endpoint: server.endpoint, retry: 0 });
    await expect(other.request(SimIds, { limit: 1 })).rejects.toBeInstanceOf(AuthError);
    const before = api.requests.length;
    await expect(other.request(SimIds, { limit: 1, limt: 2 } as never)).rejects.toMatchObject({ name: 'ValidationError', field: 'variables.limt' });
    await expect(other.request('query A { a } query B { b }')).rejects.toBeInstanceOf(ValidationError);
    await expect(other.request('query { unterminated "x }')).rejects.toBeInstanceOf(ValidationError);
    await expect(other.request(42 as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(other.request('subscription S { updatedSim { iccid } }')).rejects.toThrow(/is a subscription/);
    await expect(other.request({} as never)).rejects.toBeInstanceOf(ValidationError);
    expect(api.requests.length).toBe(before);
  });

  it('honours timeouts and abort like the generated methods', async () => {
    const { api, wherever } = await setup();
    api.failNext(1, { delayMs: 2000 });
    await expect(wherever.request(SimIds, { limit: 1 }, { timeoutMs: 100, retry: 0 })).rejects.toMatchObject({ name: 'TimeoutError' });
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const before = api.requests.length;
    await expect(wherever.request(SimIds, { limit: 1 }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(wherever.request.all(SimIds, {}, { like: 'listSims', signal: controller.signal }).toArray()).rejects.toMatchObject({ name: 'AbortError' });
    expect(api.requests.length).toBe(before);
  });

  it('picks one operation of several with operationName', async () => {
    const { wherever } = await setup();
    const doc = 'query A { getStatistics { totalSimCards } } query B { getCustomerData { customerid } }';
    expect(await wherever.request(doc, {}, { operationName: 'B' })).toEqual({ getCustomerData: { customerid: expect.any(Number) } });
  });

  it('a GraphQL error on the custom document is a typed error, not data', async () => {
    const { wherever } = await setup();
    await expect(wherever.request('query Bad { listSims(limit: 1) { nosuchfield } }')).rejects.toMatchObject({ name: 'GraphQLResponseError' });
    expect(ApiError).toBeDefined();
  });
});

describe('wherever: walking your own list document (nextToken)', () => {
  it('walks a narrower listSims across 3 pages like the generated method, items typed', async () => {
    const { api, wherever } = await setup(generateSims(7));
    const iccids: string[] = [];
    const it = wherever.request.all(SimIds, { limit: 3 }, { like: 'listSims' });
    for await (const sim of it) iccids.push(sim.iccid);
    expect(iccids).toHaveLength(7);
    expect(new Set(iccids).size).toBe(7);
    const sent = api.requests.filter((r) => r.operationName === 'SimIds').map((r) => r.variables);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toEqual({ limit: 3 });
    expect(sent[1]!.nextToken).toEqual(expect.any(String));
    expect(it.done).toBe(true);
  });

  it('uses the generated page size and bounds: limit over 100 is refused before sending', async () => {
    const { api, wherever } = await setup(generateSims(3));
    const before = api.requests.length;
    await expect(wherever.request.all(SimIds, { limit: 500 }, { like: 'listSims' }).toArray()).rejects.toMatchObject({ name: 'ValidationError', field: 'variables.limit' });
    expect(api.requests.length).toBe(before);
    await wherever.request.all(SimIds, undefined, { like: 'ListSims' }).toArray();
    expect(api.requests.at(-1)!.variables).toEqual({ limit: 100 });
  });

  it('walks by an explicit spec and resumes from position', async () => {
    const { wherever } = await setup(generateSims(5));
    const pages = wherever.request.pages(SimIds, { limit: 2 }, { path: ['listSims'], pagination: { style: 'nextToken', items: 'items', next: 'nextToken', tokenVar: 'nextToken', limitVar: 'limit' } });
    const first: string[] = [];
    for await (const page of pages) {
      first.push(...page.items!.map((s) => s!.iccid));
      break;
    }
    const rest = await wherever.request.all(SimIds, { limit: 2, ...pages.position }, { like: 'listSims' }).toArray();
    expect([...first, ...rest.map((s) => s.iccid)]).toHaveLength(5);
  });

  it('says clearly what is missing: an unknown like, or a document without the paging variables', async () => {
    const { wherever } = await setup();
    expect(() => wherever.request.all(SimIds, { limit: 2 }, { like: 'getStatistics' })).toThrow(/not a paginated method; use one of .*listSims/);
    expect(() => wherever.request.all('query X($limit: Int!) { listSims(limit: $limit) { items { iccid } nextToken } }', { limit: 2 }, { like: 'listSims' })).toThrow(/must declare \$nextToken/);
    expect(() => wherever.request.all(SimIds, {}, undefined as never)).toThrow(ValidationError);
  });
});
