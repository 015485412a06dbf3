/**
 * `@sdk/wherever/testing`: a stateful fake of the wherever SIM API for your unit tests.
 *
 * ```ts
 * const api = createWhereverMock({ sims: Array.from({ length: 250 }, (_, i) => ({ iccid: `89490000000000000${i}` })) });
 * const server = setupServer(...api.handlers);          // msw
 * const wherever = createWhereverClient(api.clientOptions);          // or, over loopback: (await api.listen()).clientOptions
 * ```
 */
import { createGraphQLFake, createRealtimeFake, mswHandlers, startFakeServer, type FakeKit, type FakeRequest, type ListeningFake, type OperationReply as KitReply, type RealtimeFake, type RealtimeFakeOptions } from '@sdk/core/testing';
import type { WhereverClientOptions } from '../client.js';
import { GraphQLError, buildSchema } from 'graphql';
import { WHEREVER_GRAPHQL_ENDPOINT } from '../constants.js';
import type { OperationTypes } from '../generated/operations.js';
import { schemaSDL } from '../generated/schema.js';
import { TRANSITIONS, WhereverState, compare, type BatchJob, type Sim, type SimEvent, type SimFilter, type WhereverStateOptions } from './fake.js';

export { WhereverState, makeSim, matchSim } from './fake.js';
export type { ApiKeyEntry, BatchJob, BatchJobSimDetail, BillingData, Sim, SimEvent, SimSeed, UserAccount } from './fake.js';
export type { ActiveSubscription, Fault, FakeKit, ListeningFake, RealtimeFake, RealtimeStats, RecordedRequest, RunningServer } from '@sdk/core/testing';

export type OperationName = keyof OperationTypes;

/** A typed reply for one operation: its data, GraphQL errors, an HTTP status, a delay or a dropped connection. */
export type OperationReply<K extends OperationName> = KitReply<OperationTypes[K]['data']>;

export interface WhereverMockOptions extends WhereverStateOptions {
  /** Endpoint the msw handlers answer. Default: the real endpoint, so a client with default options hits the fake. */
  endpoint?: string;
  /** The API key the fake accepts. Default `test-api-key`. */
  apiKey?: string;
  /**
   * How batch jobs run: `immediate` (finished before startBatchJob answers), `manual` (call
   * `advanceBatchJobs`), or timed steps. Default `immediate`.
   */
  batchJobs?: 'immediate' | 'manual' | { simsPerStep: number; intervalMs: number };
  /** The real-time fake: keep-alive timing and how a refused connect is answered. */
  realtime?: Pick<RealtimeFakeOptions, 'connectionTimeoutMs' | 'keepAliveIntervalMs' | 'refuseWith'>;
}

/** What each subscription's events carry in the fake (shaped to the client's selection set on the way out). */
export interface SubscriptionPayloads {
  updatedSim: Sim;
  updatedSimEvent: SimEvent;
  updatedBatchJob: Omit<BatchJob, 'simList'>;
}

/** The fake's API key and GraphQL endpoint. */
export type WhereverFakeClientOptions = WhereverClientOptions & { apiKey: string; endpoint: string };

/**
 * The wherever kit: the shared vocabulary (see FakeKit in `@sdk/core/testing`) plus wherever's own parts.
 * wherever authenticates with an API key, so there are no login controls (`auth`): a wrong key is refused with 401.
 */
export interface WhereverMock extends FakeKit<OperationTypes, WhereverState, WhereverFakeClientOptions> {
  readonly apiKey: string;
  /** Run pending batch jobs by `sims` SIMs each (manual mode). */
  advanceBatchJobs(sims?: number): void;
  /**
   * Serve the fake over real HTTP on loopback (for demos and non-msw clients); `endpoint` ends in
   * `/graphql`. Subscriptions need this: the same server answers WebSocket upgrades at
   * `/graphql/realtime` (AppSync's protocol and graphql-ws), which a client pointed at `endpoint` finds
   * by itself. msw alone serves no subscriptions.
   */
  listen(options?: { port?: number }): Promise<ListeningFake<WhereverFakeClientOptions> & { realtimeUrl: string }>;
  /**
   * The real-time fake behind `listen()`: `stats`, `subscriptions`, `dropAll()`, `keepAlive = false`,
   * `until(...)`. Fed by the state: `state.updateSim` (and `updateSim` calls) publish `updatedSim`,
   * `state.addEvent` publishes `updatedSimEvent`, batch job steps publish `updatedBatchJob`.
   */
  readonly realtime: RealtimeFake;
  /** Push an event of your own to matching subscriptions; returns how many received it. */
  publish<K extends keyof SubscriptionPayloads>(fieldName: K, payload: SubscriptionPayloads[K]): number;
  /** Stop timers of timed batch jobs. */
  dispose(): void;
}

function notFound(what: string): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { errorType: 'NotFound' } });
}

export function createWhereverMock(options: WhereverMockOptions = {}): WhereverMock {
  const endpoint = options.endpoint ?? WHEREVER_GRAPHQL_ENDPOINT;
  const apiKey = options.apiKey ?? 'test-api-key';
  const state = new WhereverState(options);
  const mode = options.batchJobs ?? 'immediate';
  const timers = new Set<ReturnType<typeof setInterval>>();
  const createdKeys = new Map<string, number>();
  const ctxOf = (request: FakeRequest) => ({ key: request.headers.authorization ?? '' });

  const runJob = (job: BatchJob) => {
    if (mode === 'immediate') state.advanceBatchJob(job.batchJobId, Infinity);
    else if (mode !== 'manual') {
      const timer = setInterval(() => {
        if (!state.advanceBatchJob(job.batchJobId, mode.simsPerStep)) {
          clearInterval(timer);
          timers.delete(timer);
        }
      }, mode.intervalMs);
      timers.add(timer);
    }
  };

  const root = {
    // ---- queries
    getAvailableStatusTransitions: () => TRANSITIONS.flatMap((t) => [1, 2, 3, 4, 5].map((providerid) => ({ ...t, providerid }))),
    getBatchJob: ({ batchJobId }: { batchJobId: number }) => state.batchJobs.find((j) => j.batchJobId === batchJobId) ?? Promise.reject(notFound(`Batch job ${batchJobId}`)),
    getCustomerData: () => state.customer,
    getDataConsumptionReport: ({ iccid, filterOptions }: { iccid: string; filterOptions: { start: string; stop: string } }) => {
      const sim = state.sims.get(iccid);
      if (!sim) throw notFound(`SIM ${iccid}`);
      const earliest = new Date(state.now());
      earliest.setUTCMonth(earliest.getUTCMonth() - 3);
      const start = new Date(Math.max(Date.parse(filterOptions.start), Date.parse(earliest.toISOString().slice(0, 10))));
      const stop = new Date(filterOptions.stop);
      if (Number.isNaN(start.getTime()) || Number.isNaN(stop.getTime())) throw new GraphQLError("Dates must use the format 'yyyy-MM-dd'");
      const days: { day: string; bytes: number }[] = [];
      for (let d = start; d <= stop; d = new Date(d.getTime() + 86_400_000)) {
        days.push({ day: d.toISOString().slice(0, 10), bytes: Math.round((sim.monthly_data_volume ?? 0) / 30) });
      }
      return days;
    },
    getStatistics: () => {
      const sims = [...state.sims.values()];
      return {
        totalSimCards: sims.length,
        activeSimCards: sims.filter((s) => s.statusid === 2).length,
        currentMonthlyDataUsage: sims.reduce((n, s) => n + (s.monthly_data_volume ?? 0), 0),
        previousMonthDataUsage: sims.reduce((n, s) => n + (s.previous_month_data_volume ?? 0), 0),
      };
    },
    listApiKeys: () => state.apiKeys,
    listBatchJobDetails: (args: { batchJobId: number; filter?: { status?: string[] | null; quickSearch?: string | null } | null; order?: { executedAt?: string | null } | null; limit?: number | null; nextToken?: string | null }) => {
      const job = state.batchJobs.find((j) => j.batchJobId === args.batchJobId);
      if (!job) throw notFound(`Batch job ${args.batchJobId}`);
      let list = job.simList.filter((e) => (!args.filter?.status?.length || args.filter.status.includes(e.details.status)) && (!args.filter?.quickSearch || [e.iccid, e.custom_field_1].some((v) => v?.toLowerCase().includes(args.filter!.quickSearch!.toLowerCase()))));
      if (args.order?.executedAt) list = [...list].sort((a, b) => compare(a.details.executedAt, b.details.executedAt) * (args.order!.executedAt === 'desc' ? -1 : 1));
      const { items, nextToken } = state.page(list, state.checkLimit(args.limit, false), args.nextToken);
      return { simList: items, nextToken, totalCount: list.length };
    },
    listBatchJobs: (args: { filter?: { status?: string | null } | null; limit?: number | null; nextToken?: string | null }) => {
      const list = state.batchJobs.filter((j) => !args.filter?.status || j.statusDetails.currentStatus === args.filter.status).sort((a, b) => b.startedAt - a.startedAt || b.batchJobId - a.batchJobId);
      return { ...state.page(list, state.checkLimit(args.limit, false), args.nextToken), totalCount: list.length };
    },
    listBillingData: (args: { limit: number; nextToken?: string | null }) => state.page(state.billingData, state.checkLimit(args.limit, true), args.nextToken),
    listEndCustomerLabels: (args: { filter?: { name?: { beginsWith?: string | null; contains?: string | null } | null } | null; limit: number; nextToken?: string | null }) => {
      const names = [...new Set([...state.sims.values()].map((s) => s.end_customer_label?.name).filter((n): n is string => !!n))].sort();
      const f = args.filter?.name;
      const list = names.filter((n) => (!f?.beginsWith || n.toLowerCase().startsWith(f.beginsWith.toLowerCase())) && (!f?.contains || n.toLowerCase().includes(f.contains.toLowerCase()))).map((name) => ({ name }));
      return state.page(list, state.checkLimit(args.limit, true), args.nextToken);
    },
    listSimEvents: (args: { iccid: string; limit: number; nextToken?: string | null; filterOptions?: { type?: SimFilter['iccid']; timestampMilliseconds?: SimFilter['statusid'] & { between?: number[] | null } } | null; order?: { timestampMilliseconds?: string | null } | null }) => {
      const limit = state.checkLimit(args.limit, true);
      const all = state.events.filter((e) => e.iccid === args.iccid);
      let list = all.filter((e) => {
        const f = args.filterOptions;
        if (!f) return true;
        if (f.type) {
          if (f.type.eq != null && e.type !== f.type.eq) return false;
          if (f.type.beginsWith != null && !e.type.startsWith(f.type.beginsWith)) return false;
          if (f.type.in != null && !f.type.in.includes(e.type)) return false;
        }
        const t = f.timestampMilliseconds;
        if (t) {
          if (t.eq != null && e.timestampMilliseconds !== t.eq) return false;
          if (t.in != null && !t.in.includes(e.timestampMilliseconds)) return false;
          const b = (t.between ?? []).filter((n): n is number => typeof n === 'number');
          if (b.length && (e.timestampMilliseconds < Math.min(...b) || e.timestampMilliseconds > Math.max(...b))) return false;
        }
        return true;
      });
      const dir = args.order?.timestampMilliseconds === 'asc' ? 1 : -1;
      list = [...list].sort((a, b) => (a.timestampMilliseconds - b.timestampMilliseconds) * dir);
      return { ...state.page(list, limit, args.nextToken), totalEvents: all.length };
    },
    listSims: (args: { filter?: SimFilter | null; order?: Record<string, string | null> | null; limit: number; quickSearch?: string | null; nextToken?: string | null }) => {
      const limit = state.checkLimit(args.limit, true);
      const list = state.listSims(args);
      return { ...state.page(list, limit, args.nextToken), totalSims: list.length };
    },
    listUserAccounts: () => state.userAccounts,

    // ---- mutations
    cancelBatchJob: ({ batchJobId }: { batchJobId: number }) => state.cancelBatchJob(batchJobId),
    cancelLocation: ({ iccid }: { iccid: string }) => state.cancelLocation(iccid),
    createApiKey: (args: { comment?: string | null; ipAddressAllowlist?: string[] | null; expiresAtMs?: number | null }) => {
      const { clearKey, ...entry } = state.createApiKey(args);
      createdKeys.set(clearKey, entry.keyid);
      return { ...entry, key: clearKey }; // clear text only in this response, as documented
    },
    createUserAccount: (args: { email: string; groups?: string[] | null; zoneinfo: string; locale: string }) => {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(args.email)) throw new GraphQLError('The email address must be valid');
      if (!['de', 'en'].includes(args.locale)) throw new GraphQLError('locale must be de or en');
      const user = { id: crypto.randomUUID(), email: args.email, status: 'InvitationSent', groups: args.groups ?? [], zoneinfo: args.zoneinfo, locale: args.locale };
      state.userAccounts.push(user);
      return user;
    },
    deleteApiKey: ({ keyid }: { keyid: string }) => {
      const index = state.apiKeys.findIndex((k) => String(k.keyid) === String(keyid));
      if (index < 0) throw notFound(`API key ${keyid}`);
      const [removed] = state.apiKeys.splice(index, 1);
      for (const [clear, id] of createdKeys) if (id === removed!.keyid) createdKeys.delete(clear);
      return removed;
    },
    deleteUserAccount: ({ id }: { id: string }) => {
      const index = state.userAccounts.findIndex((u) => u.id === id);
      if (index < 0) throw notFound(`User account ${id}`);
      return state.userAccounts.splice(index, 1)[0];
    },
    resendUserAccountInvite: ({ id }: { id: string }) => {
      const user = state.userAccounts.find((u) => u.id === id);
      if (!user) throw notFound(`User account ${id}`);
      if (!['InvitationSent', 'InvitationExpired'].includes(user.status)) {
        throw new GraphQLError("Resending the invitation is only allowed in status 'InvitationSent' or 'InvitationExpired'");
      }
      user.status = 'InvitationSent';
      return true;
    },
    sendSms: (args: { iccid: string; text: string; originator?: string | null }) => {
      if (!state.sims.has(args.iccid)) throw notFound(`SIM ${args.iccid}`);
      state.smsSent.push({ iccid: args.iccid, text: args.text, originator: args.originator ?? null });
      return true;
    },
    startBatchJob: ({ params }: { params: Record<string, unknown> }, ctx: { key: string }) => {
      const keyid = createdKeys.get(ctx.key);
      const job = state.startBatchJob(params, keyid !== undefined ? { __typename: 'ApiKey', ...state.apiKeys.find((k) => k.keyid === keyid)! } : { __typename: 'ApiKey', keyid: 0, key: `${apiKey.slice(0, 4)}…`, comment: 'test key', created: 0, lastused: null, ipAddressAllowlist: null, expiresAtMs: -1 });
      runJob(job);
      return { batchJobId: job.batchJobId };
    },
    updateApiKey: (args: { keyid: string; comment?: string | null; ipAddressAllowlist?: string[] | null }) => {
      const key = state.apiKeys.find((k) => String(k.keyid) === String(args.keyid));
      if (!key) throw notFound(`API key ${args.keyid}`);
      key.comment = args.comment ?? null; // documented: a missing comment resets it to NULL
      if (args.ipAddressAllowlist !== undefined) key.ipAddressAllowlist = args.ipAddressAllowlist;
      return key;
    },
    updateSim: (args: Record<string, unknown> & { iccid: string }) => {
      const sim = state.sims.get(args.iccid);
      if (!sim) throw notFound(`SIM ${args.iccid}`);
      const patch: Record<string, unknown> = {};
      for (const key of ['statusid', 'monthly_data_limit', 'custom_field_1', 'monthly_sms_mo_limit', 'monthly_sms_mt_limit', 'monthly_voice_mo_limit']) {
        if (key in args) patch[key] = args[key];
      }
      if (args.statusid != null && args.statusid !== sim.statusid && !TRANSITIONS.some((t) => t.fromstatusid === sim.statusid && t.tostatusid === args.statusid)) {
        throw new GraphQLError(`Status transition from ${sim.statusid} to ${String(args.statusid)} is not allowed`);
      }
      const label = args.end_customer_label as { name: string } | null | undefined;
      if (label) patch.end_customer_label = label.name === '' ? null : { name: label.name };
      const lock = args.imei_lock as { lock: boolean; imei?: string | null } | null | undefined;
      if (lock) {
        patch.imei_lock = { enabled: lock.lock, imei: lock.lock ? (lock.imei || null) : null };
        if (!lock.lock && sim.statusid === 20) patch.statusid = 2; // documented: unlocking an IMEI-unauthorized SIM activates it again
      }
      return state.updateSim(args.iccid, patch);
    },
    updateUserAccount: (args: { id: string; groups?: string[] | null; zoneinfo?: string | null; locale?: string | null }) => {
      const user = state.userAccounts.find((u) => u.id === args.id);
      if (!user) throw notFound(`User account ${args.id}`);
      if (args.groups != null) user.groups = args.groups;
      if (args.zoneinfo != null) user.zoneinfo = args.zoneinfo;
      if (args.locale != null) user.locale = args.locale;
      return user;
    },
  };

  const schema = buildSchema(schemaSDL);
  const knownKey = (key: string | undefined) => key === apiKey || (key !== undefined && createdKeys.has(key));
  const fake = createGraphQLFake({
    schema,
    root,
    context: ctxOf,
    authorize(request) {
      if (knownKey(request.headers.authorization)) return undefined;
      return { status: 401, errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] };
    },
  });

  // The real-time endpoint, fed by the same state the HTTP fake changes.
  const realtime = createRealtimeFake({ ...options.realtime, schema, authorize: ({ headers }) => knownKey(headers.authorization) });
  state.on('sim', (sim) => realtime.publish('updatedSim', sim));
  state.on('simEvent', (event) => realtime.publish('updatedSimEvent', event));
  state.on('batchJob', ({ simList: _simList, ...job }) => realtime.publish('updatedBatchJob', job));

  return {
    endpoint,
    apiKey,
    clientOptions: { apiKey, endpoint },
    handlers: mswHandlers(fake, endpoint),
    state,
    requests: fake.requests,
    requestsOf: (name) => fake.requests.filter((r) => r.operationName === name) as never,
    failNext: (count, fault, opts) => fake.failNext(count, fault, opts),
    override: (name, reply) => fake.override(name, reply as never),
    advanceBatchJobs(sims = Infinity) {
      for (const job of state.batchJobs) if (job.finishedAt === null) state.advanceBatchJob(job.batchJobId, sims);
    },
    async listen(opts = {}) {
      const server = await startFakeServer({ '/graphql': fake }, { ...opts, upgrade: { '/graphql/realtime': realtime.handleUpgrade } });
      const local = `${server.url}/graphql`;
      return { ...server, endpoint: local, realtimeUrl: `${server.url.replace(/^http/, 'ws')}/graphql/realtime`, clientOptions: { apiKey, endpoint: local } };
    },
    realtime,
    publish: (fieldName, payload) => realtime.publish(fieldName, payload),
    dispose() {
      for (const t of timers) clearInterval(t);
      timers.clear();
    },
  };
}

/** Deterministic, realistic SIMs for demos and tests: `generateSims(250)`. */
export function generateSims(count: number, options: { iccidPrefix?: string; start?: number } = {}): import('./fake.js').SimSeed[] {
  const prefix = options.iccidPrefix ?? '894900000000';
  const labels = ['Fleet North', 'Fleet South', 'Cold Chain', null];
  return Array.from({ length: count }, (_, k) => {
    const i = (options.start ?? 0) + k;
    return {
      iccid: `${prefix}${String(i).padStart(19 - prefix.length, '0')}`,
      statusid: i % 10 === 9 ? 5 : i % 17 === 3 ? 9 : 2,
      providerid: (i % 5) + 1,
      imei: `35${String(1000000000000 + i * 7919).slice(0, 13)}`,
      msisdn: `49170${String(1000000 + i)}`,
      monthly_data_volume: ((i * 2654435761) % 5_000_000_000) + 10_000,
      monthly_data_limit: i % 3 === 0 ? 1_073_741_824 : null,
      custom_field_1: `device-${String(i).padStart(4, '0')}`,
      end_customer_label: labels[i % labels.length] ? { name: labels[i % labels.length]! } : null,
    };
  });
}
