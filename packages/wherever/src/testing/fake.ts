/**
 * In-memory model of the wherever SIM API: state plus resolvers that honour the filters, order,
 * limit and nextToken semantics the API reference documents (see SEED_NOTES.md).
 */
import { decodeToken, encodeToken } from '@sdk/core/testing';
import { GraphQLError } from 'graphql';
import { BATCH_JOB_FAILURE_CODES, LIMITS } from '../constants.js';

export interface Sim {
  iccid: string;
  statusid: number;
  providerid: number;
  activation_timestamp: number | null;
  imei: string | null;
  imsi: string | null;
  msisdn: string | null;
  in_session_since: number | null;
  monthly_data_volume: number | null;
  monthly_data_limit: number | null;
  monthly_sms_mo: number | null;
  monthly_sms_mt: number | null;
  monthly_sms_mo_limit: number | null;
  monthly_sms_mt_limit: number | null;
  monthly_voice_mo: number | null;
  monthly_voice_mo_limit: number | null;
  custom_field_1: string | null;
  previous_month_data_volume: number | null;
  nwc: string | null;
  apn: string | null;
  ip_address: string | null;
  end_customer_label: { name: string } | null;
  imei_lock: { imei: string | null; enabled: boolean } | null;
}

export interface SimEvent {
  id: string;
  iccid: string;
  timestampMilliseconds: number;
  type: string;
  details: string | null;
  jsonData: string | null;
}

export interface ApiKeyEntry {
  keyid: number;
  key: string;
  comment: string | null;
  created: number;
  lastused: number | null;
  ipAddressAllowlist: string[] | null;
  expiresAtMs: number | null;
}

export interface UserAccount {
  id: string;
  email: string;
  status: string;
  groups: string[] | null;
  zoneinfo: string;
  locale: string;
}

export interface BatchJobSimDetail {
  iccid: string;
  custom_field_1: string | null;
  details: { executedAt: number | null; errorCodes: number[] | null; status: 'SUCCESSFUL' | 'RUNNING' | 'SKIPPED' | 'FAILED' };
}

export interface BatchJob {
  batchJobId: number;
  startedAt: number;
  finishedAt: number | null;
  startedBy: Record<string, unknown> & { __typename: string };
  statusDetails: {
    currentStatus: 'PREPARING' | 'RUNNING' | 'CANCELLED' | 'FAILED' | 'COMPLETED';
    totalSims: number;
    failedSims: number;
    successfulSims: number;
    failures: Record<string, number> | null;
  };
  changes: Record<string, unknown>;
  customerid: number;
  simList: BatchJobSimDetail[];
}

export interface BillingData {
  year: number;
  month: number;
  data_volume: number;
  invoice_amount: number;
  currency: string;
}

export type SimSeed = Partial<Sim> & { iccid: string };

export function makeSim(seed: SimSeed): Sim {
  return {
    statusid: 2,
    providerid: 5,
    activation_timestamp: null,
    imei: null,
    imsi: null,
    msisdn: null,
    in_session_since: null,
    monthly_data_volume: 0,
    monthly_data_limit: null,
    monthly_sms_mo: 0,
    monthly_sms_mt: 0,
    monthly_sms_mo_limit: null,
    monthly_sms_mt_limit: null,
    monthly_voice_mo: 0,
    monthly_voice_mo_limit: null,
    custom_field_1: null,
    previous_month_data_volume: 0,
    nwc: null,
    apn: null,
    ip_address: null,
    end_customer_label: null,
    imei_lock: null,
    ...seed,
  };
}

/** Status transitions the fake allows (the real list comes from getAvailableStatusTransitions). */
const TRANSITIONS: { fromstatusid: number; tostatusid: number }[] = [
  { fromstatusid: 3, tostatusid: 2 },
  { fromstatusid: 8, tostatusid: 2 },
  { fromstatusid: 9, tostatusid: 2 },
  { fromstatusid: 2, tostatusid: 5 },
  { fromstatusid: 5, tostatusid: 2 },
  { fromstatusid: 2, tostatusid: 12 },
  { fromstatusid: 12, tostatusid: 2 },
  { fromstatusid: 6, tostatusid: 2 },
  { fromstatusid: 15, tostatusid: 2 },
  { fromstatusid: 16, tostatusid: 2 },
  { fromstatusid: 18, tostatusid: 2 },
  { fromstatusid: 19, tostatusid: 2 },
  { fromstatusid: 20, tostatusid: 2 },
  { fromstatusid: 5, tostatusid: 7 },
];

type StringFilter = { eq?: string | null; beginsWith?: string | null; in?: (string | null)[] | null } | null | undefined;
type IntFilter = { eq?: number | null; beginsWith?: number | null; in?: (number | null)[] | null; between?: (number | null)[] | null } | null | undefined;

function matchString(value: string | null | undefined, filter: StringFilter): boolean {
  if (!filter) return true;
  if (filter.eq != null && value !== filter.eq) return false;
  if (filter.beginsWith != null && !(value ?? '').startsWith(filter.beginsWith)) return false;
  if (filter.in != null && !filter.in.includes(value ?? null)) return false;
  return true;
}

function matchInt(value: number | null | undefined, filter: IntFilter): boolean {
  if (!filter) return true;
  if (filter.eq != null && value !== filter.eq) return false;
  if (filter.beginsWith != null && !String(value ?? '').startsWith(String(filter.beginsWith))) return false;
  if (filter.in != null && !filter.in.includes(value ?? null)) return false;
  if (filter.between != null) {
    const bounds = filter.between.filter((n): n is number => typeof n === 'number');
    if (bounds.length && (value == null || value < Math.min(...bounds) || value > Math.max(...bounds))) return false;
  }
  return true;
}

export type SimFilter = Partial<Record<'iccid' | 'imei' | 'imsi' | 'msisdn' | 'custom_field_1' | 'end_customer_label', StringFilter>> &
  Partial<Record<'statusid' | 'providerid', IntFilter>>;

export function matchSim(sim: Sim, filter: SimFilter | null | undefined, quickSearch?: string | null): boolean {
  if (filter) {
    for (const key of ['iccid', 'imei', 'imsi', 'msisdn', 'custom_field_1'] as const) if (!matchString(sim[key], filter[key])) return false;
    if (!matchString(sim.end_customer_label?.name ?? null, filter.end_customer_label)) return false;
    if (!matchInt(sim.statusid, filter.statusid) || !matchInt(sim.providerid, filter.providerid)) return false;
  }
  if (quickSearch) {
    const q = quickSearch.toLowerCase();
    if (![sim.iccid, sim.custom_field_1, sim.msisdn, sim.imei].some((v) => v?.toLowerCase().includes(q))) return false;
  }
  return true;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

function checkLimit(limit: number | null | undefined, required: boolean): number {
  if (limit == null) {
    if (required) throw new GraphQLError('limit is required');
    return 100;
  }
  if (limit < LIMITS.LIST_LIMIT_MIN || limit > LIMITS.LIST_LIMIT_MAX) {
    throw new GraphQLError(`Validation error: limit must be between ${LIMITS.LIST_LIMIT_MIN} and ${LIMITS.LIST_LIMIT_MAX}`, { extensions: { errorType: 'ValidationError' } });
  }
  return limit;
}

/** Slices a list AppSync-style: the token is base64 of `{"next_offset":N}`, as in the API reference. */
function page<T>(list: T[], limit: number, nextToken: string | null | undefined): { items: T[]; nextToken: string | null } {
  let offset = 0;
  if (nextToken) {
    const decoded = decodeToken<{ next_offset?: number }>(nextToken);
    if (!decoded || typeof decoded.next_offset !== 'number') throw new GraphQLError('Invalid nextToken', { extensions: { errorType: 'BadRequestException' } });
    offset = decoded.next_offset;
  }
  const items = list.slice(offset, offset + limit);
  const next = offset + limit < list.length ? encodeToken({ next_offset: offset + limit }) : null;
  return { items, nextToken: next };
}

export interface WhereverStateOptions {
  sims?: SimSeed[];
  events?: (Partial<SimEvent> & { iccid: string; type: string })[];
  billingData?: BillingData[];
  userAccounts?: Partial<UserAccount>[];
  customer?: { customerid: number; current_name: string; is_test_customer: boolean };
  now?: () => number;
}

export type SimListener = (sim: Sim) => void;
export type BatchJobListener = (job: BatchJob) => void;
export type SimEventListener = (event: SimEvent) => void;

/** The fake's state and the operations on it (used by resolvers and by your tests). */
export class WhereverState {
  readonly sims = new Map<string, Sim>();
  readonly events: SimEvent[] = [];
  readonly batchJobs: BatchJob[] = [];
  readonly apiKeys: ApiKeyEntry[] = [];
  readonly userAccounts: UserAccount[] = [];
  readonly smsSent: { iccid: string; text: string; originator: string | null }[] = [];
  billingData: BillingData[];
  customer: { customerid: number; current_name: string; is_test_customer: boolean };
  readonly now: () => number;
  readonly cancelLocationBlackoutMs = 60_000;
  readonly #cancelLocations = new Map<string, number>();
  readonly #listeners = { sim: new Set<SimListener>(), batchJob: new Set<BatchJobListener>(), simEvent: new Set<SimEventListener>() };
  #nextKeyId = 1;
  #nextEventId = 1;
  #nextJobId = 1;

  constructor(options: WhereverStateOptions = {}) {
    this.now = options.now ?? Date.now;
    for (const seed of options.sims ?? []) this.sims.set(seed.iccid, makeSim(seed));
    for (const e of options.events ?? []) this.addEvent(e, false);
    this.billingData = options.billingData ?? [];
    this.customer = options.customer ?? { customerid: 1001, current_name: 'Example Fleet GmbH', is_test_customer: true };
    for (const u of options.userAccounts ?? []) {
      this.userAccounts.push({ id: u.id ?? crypto.randomUUID(), email: u.email ?? 'user@example.com', status: u.status ?? 'HasAccess', groups: u.groups ?? ['Observer'], zoneinfo: u.zoneinfo ?? 'Europe/Berlin', locale: u.locale ?? 'en' });
    }
  }

  on(kind: 'sim', listener: SimListener): () => void;
  on(kind: 'batchJob', listener: BatchJobListener): () => void;
  on(kind: 'simEvent', listener: SimEventListener): () => void;
  on(kind: 'sim' | 'batchJob' | 'simEvent', listener: (value: never) => void): () => void {
    const set = this.#listeners[kind] as Set<(value: never) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  #emit(kind: 'sim', value: Sim): void;
  #emit(kind: 'batchJob', value: BatchJob): void;
  #emit(kind: 'simEvent', value: SimEvent): void;
  #emit(kind: 'sim' | 'batchJob' | 'simEvent', value: unknown): void {
    for (const listener of this.#listeners[kind] as Set<(v: unknown) => void>) listener(structuredClone(value));
  }

  addSim(seed: SimSeed): Sim {
    const sim = makeSim(seed);
    this.sims.set(sim.iccid, sim);
    return sim;
  }

  /** Change a SIM as `updateSim` would, and publish `updatedSim`. */
  updateSim(iccid: string, patch: Partial<Omit<Sim, 'iccid'>>): Sim {
    const sim = this.sims.get(iccid);
    if (!sim) throw new GraphQLError(`SIM ${iccid} not found`, { extensions: { errorType: 'NotFound' } });
    Object.assign(sim, patch);
    this.#emit('sim', sim);
    return sim;
  }

  addEvent(event: Partial<SimEvent> & { iccid: string; type: string }, publish = true): SimEvent {
    const full: SimEvent = { id: String(this.#nextEventId++), timestampMilliseconds: this.now(), details: null, jsonData: null, ...event };
    this.events.push(full);
    if (publish) this.#emit('simEvent', full);
    return full;
  }

  listSims(args: { filter?: SimFilter | null; order?: Record<string, string | null> | null; quickSearch?: string | null }): Sim[] {
    const list = [...this.sims.values()].filter((s) => matchSim(s, args.filter, args.quickSearch));
    const order = Object.entries(args.order ?? {}).find(([, v]) => v != null);
    if (order) {
      const [key, dir] = order;
      const get = (s: Sim) => (key === 'end_customer_label' ? s.end_customer_label?.name : (s as unknown as Record<string, unknown>)[key]);
      list.sort((a, b) => compare(get(a), get(b)) * (dir === 'desc' ? -1 : 1));
    }
    return list;
  }

  startBatchJob(params: Record<string, unknown>, startedBy: BatchJob['startedBy']): BatchJob {
    const include = (params.includeIccIds as string[] | null | undefined)?.filter(Boolean) ?? [];
    const exclude = new Set((params.excludeIccIds as string[] | null | undefined) ?? []);
    const selected = include.length
      ? include
      : this.listSims({ filter: params.simFilter as SimFilter | null }).map((s) => s.iccid).filter((id) => !exclude.has(id));
    const changes: Record<string, unknown> = {};
    for (const key of ['statusid', 'custom_field_1', 'monthly_data_limit', 'monthly_sms_mo_limit', 'monthly_sms_mt_limit', 'monthly_voice_mo_limit', 'end_customer_label', 'imei_lock']) {
      if (params[key] !== undefined && params[key] !== null) changes[key] = params[key];
    }
    const job: BatchJob = {
      batchJobId: this.#nextJobId++,
      startedAt: this.now(),
      finishedAt: null,
      startedBy,
      statusDetails: { currentStatus: 'PREPARING', totalSims: selected.length, failedSims: 0, successfulSims: 0, failures: null },
      changes,
      customerid: this.customer.customerid,
      simList: selected.map((iccid) => ({ iccid, custom_field_1: this.sims.get(iccid)?.custom_field_1 ?? null, details: { executedAt: null, errorCodes: null, status: 'RUNNING' } })),
    };
    this.batchJobs.push(job);
    this.#emit('batchJob', job);
    return job;
  }

  /** Process up to `count` pending SIMs of a batch job; returns true while work remains. */
  advanceBatchJob(batchJobId: number, count: number): boolean {
    const job = this.batchJobs.find((j) => j.batchJobId === batchJobId);
    if (!job || job.finishedAt !== null) return false;
    job.statusDetails.currentStatus = 'RUNNING';
    let done = 0;
    for (const entry of job.simList) {
      if (done >= count) break;
      if (entry.details.status !== 'RUNNING') continue;
      done++;
      const codes = this.#applyChanges(entry.iccid, job.changes);
      entry.details = { executedAt: this.now(), errorCodes: codes.length ? codes : null, status: codes.length ? 'FAILED' : 'SUCCESSFUL' };
      if (codes.length) {
        job.statusDetails.failedSims++;
        const failures = (job.statusDetails.failures ??= {});
        for (const code of codes) {
          const field = BATCH_JOB_FAILURE_CODES[code as keyof typeof BATCH_JOB_FAILURE_CODES]?.change ?? 'statusid';
          const key = field === 'statusid' ? 'statusId' : field;
          failures[key] = (failures[key] ?? 0) + 1;
        }
      } else job.statusDetails.successfulSims++;
    }
    const remaining = job.simList.some((e) => e.details.status === 'RUNNING');
    if (!remaining) {
      job.statusDetails.currentStatus = 'COMPLETED';
      job.finishedAt = this.now();
    }
    this.#emit('batchJob', job);
    return remaining;
  }

  cancelBatchJob(batchJobId: number): boolean {
    const job = this.batchJobs.find((j) => j.batchJobId === batchJobId);
    if (!job) throw new GraphQLError(`Batch job ${batchJobId} not found`, { extensions: { errorType: 'NotFound' } });
    if (job.finishedAt !== null) return false;
    for (const e of job.simList) if (e.details.status === 'RUNNING') e.details = { executedAt: null, errorCodes: null, status: 'SKIPPED' };
    job.statusDetails.currentStatus = 'CANCELLED';
    job.finishedAt = this.now();
    this.#emit('batchJob', job);
    return true;
  }

  #applyChanges(iccid: string, changes: Record<string, unknown>): number[] {
    const sim = this.sims.get(iccid);
    if (!sim) return [3];
    const codes: number[] = [];
    const patch: Partial<Sim> = {};
    if (changes.statusid !== undefined) {
      if (sim.statusid === changes.statusid) codes.push(1);
      else if (!TRANSITIONS.some((t) => t.fromstatusid === sim.statusid && t.tostatusid === changes.statusid)) codes.push(4);
      else patch.statusid = changes.statusid as number;
    }
    const simple: [keyof Sim, number][] = [['custom_field_1', 100], ['monthly_data_limit', 200], ['monthly_sms_mo_limit', 300], ['monthly_sms_mt_limit', 400], ['monthly_voice_mo_limit', 500]];
    for (const [key, code] of simple) {
      if (changes[key] === undefined) continue;
      // "Set to 0 for unlimited" (limits) and "Set empty to erase" (custom field) in batch jobs.
      const value = changes[key] === 0 && key !== 'custom_field_1' ? null : changes[key] === '' ? null : changes[key];
      if (sim[key] === value) codes.push(code);
      else (patch as Record<string, unknown>)[key] = value;
    }
    if (changes.end_customer_label !== undefined) {
      const name = changes.end_customer_label as string;
      if ((sim.end_customer_label?.name ?? '') === name) codes.push(600);
      else patch.end_customer_label = name === '' ? null : { name };
    }
    if (changes.imei_lock !== undefined) {
      if ((sim.imei_lock?.enabled ?? false) === changes.imei_lock) codes.push(700);
      else patch.imei_lock = { imei: sim.imei_lock?.imei ?? null, enabled: changes.imei_lock as boolean };
    }
    if (Object.keys(patch).length) this.updateSim(iccid, patch);
    return codes;
  }

  cancelLocation(iccid: string): { sent: boolean; blockedUntil: number } {
    if (!this.sims.has(iccid)) throw new GraphQLError(`SIM ${iccid} not found`, { extensions: { errorType: 'NotFound' } });
    const now = this.now();
    const blocked = this.#cancelLocations.get(iccid);
    if (blocked !== undefined && blocked > now) return { sent: false, blockedUntil: blocked };
    const until = now + this.cancelLocationBlackoutMs;
    this.#cancelLocations.set(iccid, until);
    this.addEvent({ iccid, type: 'cancelLocation', details: 'Cancel location sent' });
    return { sent: true, blockedUntil: until };
  }

  createApiKey(args: { comment?: string | null; ipAddressAllowlist?: string[] | null; expiresAtMs?: number | null }): ApiKeyEntry & { clearKey: string } {
    const clearKey = `wsk_${crypto.randomUUID().replace(/-/g, '')}`;
    const entry: ApiKeyEntry = { keyid: this.#nextKeyId++, key: `${clearKey.slice(0, 6)}…${clearKey.slice(-4)}`, comment: args.comment ?? null, created: this.now(), lastused: null, ipAddressAllowlist: args.ipAddressAllowlist ?? null, expiresAtMs: args.expiresAtMs ?? -1 };
    this.apiKeys.push(entry);
    return { ...entry, clearKey };
  }

  page = page;
  checkLimit = checkLimit;
}

export { compare, matchString, matchInt, TRANSITIONS };
