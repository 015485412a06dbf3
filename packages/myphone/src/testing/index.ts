/**
 * `@sdk/myphone/testing`: a stateful fake of the MyPhone API (login, refresh and GraphQL) for your tests.
 *
 * ```ts
 * const api = createMyPhoneMock({ simcards: generateSimcards(250) });
 * const server = setupServer(...api.handlers);                      // msw
 * const myphone = createMyPhoneClient(api.clientOptions);            // or, over loopback: (await api.listen()).clientOptions
 * ```
 */
import { createGraphQLFake, mswHandlers, startFakeServer, type FakeKit, type FakeRequest, type FakeResponse, type ListeningFake, type OperationReply as KitReply } from '@sdk/core/testing';
import type { MyPhoneClientOptions } from '../client.js';
import { http, HttpResponse } from 'msw';
import { MYPHONE_GRAPHQL_PATH, MYPHONE_LOGIN_PATH, MYPHONE_ORIGIN, MYPHONE_REFRESH_PATH } from '../constants.js';
import type { OperationTypes } from '../generated/operations.js';
import type { TariffType } from '../generated/graphql.js';
import { schemaSDL } from '../generated/schema.js';
import { MyPhoneAuthFake, type MyPhoneAuthFakeOptions } from './auth.js';
import {
  DEDUCTION_FILTER_FIELDS,
  OTA_LOG_FILTER_FIELDS,
  OTA_TASK_FILTER_FIELDS,
  DID_FILTER_FIELDS,
  MyPhoneState,
  SIMCARD_FILTER_FIELDS,
  TARIFF_FILTER_FIELDS,
  matchesFilter,
  pageOf,
  sortRecords,
  type DidRecord,
  type FilterEntry,
  type MyPhoneStateOptions,
  type RentDeductionRecord,
  type SimcardRecord,
  type SimcardSeed,
  type SortEntry,
  type TariffRecord,
} from './fake.js';

export { DEFAULT_TARIFFS, MyPhoneState, compareValues, defaultDidsForRent, makeSimcard, matchesFilter, pageOf, sortRecords } from './fake.js';
export { MyPhoneAuthFake } from './auth.js';
export type * from './fake.js';
export type { MyPhoneAuthFakeOptions } from './auth.js';
export type { AuthCall, Fault, FakeAuthControls, FakeKit, ListeningFake, RecordedRequest, RunningServer } from '@sdk/core/testing';

export type OperationName = keyof OperationTypes;

/** A typed reply for one operation: its data, GraphQL errors, an HTTP status, a delay or a dropped connection. */
export type OperationReply<K extends OperationName> = KitReply<OperationTypes[K]['data']>;

export interface MyPhoneMockOptions extends MyPhoneStateOptions, Omit<MyPhoneAuthFakeOptions, 'now'> {
  /** Origin the msw handlers answer. Default: the client's default origin, so a default client hits the fake. */
  origin?: string;
  /** Default `/partner/graphql`. */
  graphqlPath?: string;
  /** Default `/partner/login`. */
  loginPath?: string;
  /** Default `/partner/refresh`. */
  refreshPath?: string;
  /** Clock for token expiry and timestamps. Default `Date.now`. */
  now?: () => number;
}

/** Login with the fake's credentials at the fake's origin. */
export type MyPhoneFakeClientOptions = MyPhoneClientOptions & { username: string; password: string; origin: string; endpoint: string };

/** The MyPhone kit: the shared vocabulary (see FakeKit in `@sdk/core/testing`) plus MyPhone's own parts. */
export interface MyPhoneMock extends FakeKit<OperationTypes, MyPhoneState, MyPhoneFakeClientOptions> {
  readonly origin: string;
  /** `{ username, password }` the fake accepts (also inside `clientOptions`). */
  readonly credentials: { readonly username: string; readonly password: string };
  /** Login/refresh endpoints: `logins`, `refreshes`, `calls`, `expireTokens()`, `refuseRefresh()`, `failNext()`, TTLs. */
  readonly auth: MyPhoneAuthFake;
  /** Serve the fake over real HTTP on loopback: `/graphql`, the GraphQL path, login and refresh. */
  listen(options?: { port?: number }): Promise<ListeningFake<MyPhoneFakeClientOptions> & { origin: string }>;
}

const money = (readable: number | null) => (readable === null ? null : { amount: { readable } });
const minor = (amount: number | null) => (amount === null ? null : money(amount / 100));

type ListArgs = { pagination?: { offset?: number | null; limit?: number | null } | null; filter?: FilterEntry | (FilterEntry | null)[] | null; sort?: SortEntry | (SortEntry | null)[] | null };

function list<R, V>(records: Iterable<R>, args: ListArgs, fields: readonly string[], view: (r: R) => V): { items: V[]; count: number } {
  const matching = sortRecords([...records].filter((r) => matchesFilter(r, args.filter, fields)), args.sort, fields);
  return { items: pageOf(matching, args.pagination).map(view), count: matching.length };
}

function toResponse(res: FakeResponse): Response {
  return new HttpResponse(res.body, { status: res.status, headers: res.headers });
}

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

export function createMyPhoneMock(options: MyPhoneMockOptions = {}): MyPhoneMock {
  const origin = (options.origin ?? MYPHONE_ORIGIN).replace(/\/+$/, '');
  const graphqlPath = options.graphqlPath ?? MYPHONE_GRAPHQL_PATH;
  const loginPath = options.loginPath ?? MYPHONE_LOGIN_PATH;
  const refreshPath = options.refreshPath ?? MYPHONE_REFRESH_PATH;
  const endpoint = origin + graphqlPath;
  const state = new MyPhoneState(options);
  const auth = new MyPhoneAuthFake({ ...options, now: state.now });

  const tariffView = (t: TariffRecord) => ({
    ...t,
    cost: money(t.cost),
    callOutgoingRate: minor(t.callOutgoingRateAmount),
    callIncomingRate: minor(t.callIncomingRateAmount),
    dataRate: minor(t.dataRateAmount),
  });
  const simcardView = (s: SimcardRecord) => {
    const tariff = s.currentTariffId === null ? undefined : state.tariffs.get(s.currentTariffId);
    return { ...s, currentTariff: tariff ? tariffView(tariff) : null };
  };
  const simcardById = (id: string | null) => {
    const sim = id === null ? undefined : state.simcards.get(id);
    return sim ? simcardView(sim) : null;
  };
  const didView = (d: DidRecord) => ({ ...d, simcard: simcardById(d.simcardId), cost: money(d.monthlyPrice) });
  const deductionView = (r: RentDeductionRecord) => ({ ...r, simCard: simcardById(r.simCardId) });

  type Id = { simcardId: string };
  type Amount = Id & { amount: unknown; comment: string };
  const simcardMutations = {
    block: ({ simcardId }: Id) => state.setBlocked(simcardId, true),
    unblock: ({ simcardId }: Id) => state.setBlocked(simcardId, false),
    attachCallerId: ({ id, msisdn }: { id: string; msisdn: string }) => state.attachCallerId(id, msisdn),
    detachCallerId: ({ id }: { id: string }) => state.detachCallerId(id),
    chargeBalance: ({ simcardId, amount }: Amount) => state.adjustBalance(simcardId, 'balance', -1, amount),
    chargeDataBalance: ({ simcardId, amount }: Amount) => state.adjustBalance(simcardId, 'dataBalance', -1, amount),
    rechargeBalance: ({ simcardId, amount }: Amount) => state.adjustBalance(simcardId, 'balance', 1, amount),
    rechargeDataBalance: ({ simcardId, amount }: Amount) => state.adjustBalance(simcardId, 'dataBalance', 1, amount),
    changeTariff: ({ simcardId, tariffId }: Id & { tariffId: string }) => state.changeTariff(simcardId, tariffId),
    updateDescription: ({ id, description }: { id: string; description: string }) => state.updateDescription(id, description),
    changeRemainingTariffDays: ({ simcardId, day }: Id & { day: number }) => state.changeRemainingTariffDays(simcardId, day),
    archive: ({ simcardId }: Id) => state.setArchived(simcardId, true),
    unarchive: ({ simcardId }: Id) => state.setArchived(simcardId, false),
  };
  const tariffMutations = {
    archive: ({ id }: { id: string }) => state.archiveTariff(id),
    createPackage: (a: { tariffId: string; resourceQuota: string; resourceUnit: string }) => state.createPackage(a.tariffId, a.resourceQuota, a.resourceUnit),
    updateTariff: (a: { id: string; name: string; type: TariffType; duration: number; dataRateValue: number; voiceIncomingRateValue: number; voiceOutgoingRateValue: number }) => state.updateTariff(a),
    deletePackage: ({ id }: { id: string }) => state.deletePackage(id),
  };
  const didMutations = {
    rent: { multitel: ({ didId }: { didId: string }) => state.rentMultitel(didId) },
    detach: ({ didId }: { didId: string }) => state.detachDid(didId),
    reject: ({ didId }: { didId: string }) => state.rejectDid(didId),
  };
  const didQueries = {
    dids: (args: ListArgs) => list(state.dids.values(), args, DID_FILTER_FIELDS, didView),
    didForRent: {
      multitel: (args: { prefix: string; limit?: number | null; offset?: number | null }) =>
        pageOf(sortRecords([...state.didsForRent.values()].filter((d) => d.number.startsWith(args.prefix)), null, ['id']), args).map((d) => ({ ...d })),
    },
  };
  // Query and Mutation share `simcard`, `tariff` and `didService` on one root value: answer by parent type.
  const isMutation = (info: { parentType: { name: string } }) => info.parentType.name === 'Mutation';
  const root = {
    simcards: (args: ListArgs) => list(state.simcards.values(), args, SIMCARD_FILTER_FIELDS, simcardView),
    simcard: (args: { id?: string }, _ctx: unknown, info: { parentType: { name: string } }) => (isMutation(info) ? simcardMutations : simcardById(String(args.id))),
    tariffs: (args: ListArgs) => list(state.tariffs.values(), args, TARIFF_FILTER_FIELDS, tariffView),
    tariff: (args: { id?: string }, _ctx: unknown, info: { parentType: { name: string } }) => {
      if (isMutation(info)) return tariffMutations;
      const tariff = state.tariffs.get(String(args.id));
      return tariff ? tariffView(tariff) : null;
    },
    didService: (_args: unknown, _ctx: unknown, info: { parentType: { name: string } }) => (isMutation(info) ? didMutations : didQueries),
    didRentDeductions: (args: ListArgs) => list(state.rentDeductions, args, DEDUCTION_FILTER_FIELDS, deductionView),
    otaTasks: (args: ListArgs) => list(state.otaTasks.values(), args, OTA_TASK_FILTER_FIELDS, (t) => ({ ...t })),
    otaRequestsLogs: (args: ListArgs & { simId?: string | null }) =>
      list(state.otaRequestLogs.filter((l) => args.simId == null || l.simId === String(args.simId)), args, OTA_LOG_FILTER_FIELDS, (l) => ({ ...l })),
    otaTask: { otaChangeSimcardPrice: ({ id, simcardPrice }: { id: string; simcardPrice: number }) => state.changeOtaSimcardPrice(id, simcardPrice) },
  };

  const fake = createGraphQLFake({
    schema: schemaSDL,
    root,
    authorize(request) {
      if (auth.authorizes(request.headers.authorization)) return undefined;
      return { status: 401, errors: [{ message: 'Unauthorized: the access token is missing, unknown or expired', extensions: { code: 'UNAUTHENTICATED' } }] };
    },
  });

  const methodNotAllowed: FakeResponse = { status: 405, headers: { 'content-type': 'text/plain' }, body: 'method not allowed' };
  const loginRoute = async (request: FakeRequest & { method: string }) => (request.method === 'POST' ? auth.login(request) : methodNotAllowed);
  const refreshRoute = async (request: FakeRequest & { method: string }) => (request.method === 'POST' ? auth.refresh(request) : methodNotAllowed);

  const rest = (path: string, handle: (r: FakeRequest) => FakeResponse) =>
    http.post(origin + path, async ({ request }) => toResponse(handle({ headers: headersOf(request.headers), body: await request.text() })));

  return {
    origin,
    endpoint,
    credentials: auth.credentials,
    clientOptions: { ...auth.credentials, origin, endpoint },
    handlers: [...mswHandlers(fake, endpoint), rest(loginPath, (r) => auth.login(r)), rest(refreshPath, (r) => auth.refresh(r))],
    state,
    auth,
    requests: fake.requests,
    requestsOf: (name) => fake.requests.filter((r) => r.operationName === name) as never,
    failNext: (count, fault, opts) => fake.failNext(count, fault, opts),
    override: (name, reply) => fake.override(name, reply as never),
    async listen(opts = {}) {
      const server = await startFakeServer({ '/graphql': fake, [graphqlPath]: fake, [loginPath]: loginRoute, [refreshPath]: refreshRoute }, opts);
      const serverEndpoint = server.url + graphqlPath;
      return { ...server, origin: server.url, endpoint: serverEndpoint, clientOptions: { ...auth.credentials, origin: server.url, endpoint: serverEndpoint } };
    },
  };
}

/** Deterministic, realistic sim cards for demos and tests: `generateSimcards(1000)`. Ids are 1…n (from `start + 1`). */
export function generateSimcards(count: number, options: { start?: number } = {}): SimcardSeed[] {
  const base = Date.UTC(2024, 0, 1);
  return Array.from({ length: count }, (_, k) => {
    const i = (options.start ?? 0) + k;
    const n = String(i + 1);
    return {
      id: n,
      iccidPlastic: `8937204016${n.padStart(9, '0')}`,
      simId: `SIM-${n.padStart(5, '0')}`,
      isBlocked: i % 7 === 3,
      allowFreeCallerIdChange: i % 2 === 0,
      allowFreeVoiceSubstitution: i % 3 === 0,
      resource: { balance: ((i * 37) % 500) / 10, dataBalance: (i * 53) % 2048 },
      fmcs: null,
      callerIds: i % 5 === 0 ? [{ msisdn: `4917000${n.padStart(5, '0')}` }] : [],
      externalMsisdns: [],
      currentTariffId: String((i % 3) + 1),
      profile: `S${(i % 3) + 1}`,
      description: i % 4 === 0 ? `Fleet vehicle ${n}` : null,
      latestActivity: new Date(base + i * 3_600_000).toISOString(),
      tariffExpiresAt: new Date(base + (30 + (i % 30)) * 86_400_000).toISOString(),
      imei: { imei: `35${String(1000000000000 + i * 7919).slice(0, 13)}`, imeiIsCorrect: i % 9 !== 0 },
      isArchived: i % 11 === 5,
    };
  });
}
