/**
 * In-memory model of the MyPhone API: sim cards, tariffs with packages, virtual numbers (DIDs) and
 * rent deductions, with the filter/sort/offset semantics the reference describes. Effects the reference
 * does not spell out follow SEED_NOTES.md (d); each is marked Inferred where it is implemented.
 */
import { GraphQLError } from 'graphql';
import type { DidState, TariffType } from '../generated/graphql.js';

export interface Msisdn {
  msisdn: string | null;
}

export interface SimcardRecord {
  id: string;
  iccidPlastic: string | null;
  simId: string | null;
  isBlocked: boolean;
  allowFreeCallerIdChange: boolean;
  allowFreeVoiceSubstitution: boolean;
  resource: { balance: number; dataBalance: number };
  /** One FMC number (the later reference), or null. */
  fmcs: Msisdn | null;
  callerIds: Msisdn[];
  externalMsisdns: Msisdn[];
  /** Id of the tariff `currentTariff` resolves to. */
  currentTariffId: string | null;
  profile: string | null;
  description: string | null;
  latestActivity: string | null;
  tariffExpiresAt: string | null;
  imei: { imei: string | null; imeiIsCorrect: boolean | null } | null;
  isArchived: boolean;
}

export interface PackageRecord {
  id: string;
  resource: { quota: string | null; unit: string | null };
}

/**
 * Rates are kept in minor units (`*RateAmount`, Int, as the tables say); the `Money.amount.readable`
 * views are those divided by 100, and updateTariff's Float `*RateValue` arguments are readable values.
 * Inferred: the reference does not relate the three.
 */
export interface TariffRecord {
  id: string;
  name: string | null;
  tariffType: TariffType | null;
  isArchived: boolean;
  /** Readable price of the tariff. */
  cost: number | null;
  callOutgoingRateAmount: number | null;
  callIncomingRateAmount: number | null;
  dataRateAmount: number | null;
  /** Days. Inferred. */
  duration: number | null;
  packageTotalCallsMaxDuration: number | null;
  packages: PackageRecord[];
}

export interface DidRecord {
  id: string;
  msisdn: string | null;
  state: DidState;
  rentedAt: string | null;
  attachedAt: string | null;
  isSmsEnabled: boolean | null;
  monthlyPrice: number | null;
  simcardId: string | null;
}

export interface DidForRentRecord {
  id: string;
  number: string;
  monthlyPrice: number | null;
  isSmsEnabled: boolean | null;
}

export interface RentDeductionRecord {
  id: string;
  simCardId: string | null;
  type: string | null;
  value: number | null;
  performedAt: string | null;
  comment: string | null;
  oldValue: number | null;
  newValue: number | null;
}

/** An OTA task (vendor's later reference, Max1My/myphone-docs @ 2f49b71). */
export interface OtaTaskRecord {
  id: string;
  otaId: string | null;
  otaName: string | null;
  ourName: string | null;
  description: string | null;
  price: number | null;
  simcardPrice: number | null;
}

/** One OTA request sent to a sim card ("History"); `simId` is the internal sim card id `otaRequestsLogs(simId:)` selects on. */
export interface OtaRequestLogRecord {
  id: string;
  otaId: string | null;
  statusId: number | null;
  iccid: string | null;
  appletName: string | null;
  createdAt: string | null;
  source: number | null;
  ourName: string | null;
  simId: string | null;
}

export type OtaTaskSeed = Partial<OtaTaskRecord>;
export type OtaRequestLogSeed = Partial<OtaRequestLogRecord>;
export type SimcardSeed = Partial<Omit<SimcardRecord, 'resource'>> & { resource?: Partial<SimcardRecord['resource']> };
export type TariffSeed = Partial<TariffRecord>;
export type DidSeed = Partial<DidRecord> & { msisdn: string };
export type DidForRentSeed = Partial<DidForRentRecord> & { number: string };
export type RentDeductionSeed = Partial<RentDeductionRecord>;

export interface MyPhoneStateOptions {
  /** Sim cards; ids default to 1, 2, … Default none. */
  simcards?: SimcardSeed[];
  /** Default: three tariffs (ids 1–3, see DEFAULT_TARIFFS). */
  tariffs?: TariffSeed[];
  /** Rented numbers. Default none. */
  dids?: DidSeed[];
  /** Numbers offered for rent. Default: 10 numbers each for prefixes 1785, 1681 and 1470. */
  didsForRent?: DidForRentSeed[];
  rentDeductions?: RentDeductionSeed[];
  /** OTA tasks; ids default to 1, 2, … Default none. */
  otaTasks?: OtaTaskSeed[];
  /** OTA request history. Default none. */
  otaRequestLogs?: OtaRequestLogSeed[];
  /** Partner balance that rent deductions draw on (Inferred). Default 1000. */
  partnerBalance?: number;
  now?: () => number;
}

export const DEFAULT_TARIFFS: TariffSeed[] = [
  { id: '1', name: 'Prepaid 1 GB', tariffType: 'PREPAID_PACKAGE', cost: 5, callOutgoingRateAmount: 10, callIncomingRateAmount: 0, dataRateAmount: 2, duration: 30, packageTotalCallsMaxDuration: 100, packages: [{ id: '1', resource: { quota: '1024', unit: 'MB' } }] },
  { id: '2', name: 'Unlimited', tariffType: 'PREPAID_UNLIMITED', cost: 25, callOutgoingRateAmount: 0, callIncomingRateAmount: 0, dataRateAmount: 0, duration: 30, packageTotalCallsMaxDuration: null, packages: [] },
  { id: '3', name: 'Pay per minute', tariffType: 'POSTPAID_MINUTE', cost: 0, callOutgoingRateAmount: 15, callIncomingRateAmount: 1, dataRateAmount: 5, duration: 30, packageTotalCallsMaxDuration: null, packages: [] },
];

export function defaultDidsForRent(): DidForRentSeed[] {
  return ['1785', '1681', '1470'].flatMap((prefix, p) =>
    Array.from({ length: 10 }, (_, i) => ({ number: `${prefix}555${String(1000 + i)}`, monthlyPrice: 2 + p * 0.5, isSmsEnabled: i % 2 === 0 })),
  );
}

const DAY_MS = 86_400_000;

function notFound(what: string): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND' } });
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Decimal arguments arrive as numbers or numeric strings. */
export function toAmount(value: unknown, name = 'amount'): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0) throw badInput(`${name} must be a non-negative decimal, got ${JSON.stringify(value)}`);
  return n;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

// ---------------------------------------------------------------- filter and sort

export interface FilterEntry {
  field: string;
  value?: unknown;
  operator?: 'AND' | 'OR' | null;
  comparator?: string | null;
}

export interface SortEntry {
  field: string;
  order?: 'ASC' | 'DESC' | null;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Orders numbers (and numeric strings such as ids) numerically, other strings (ISO dates) lexically; null first. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  const na = typeof a === 'number' ? a : typeof a === 'string' && NUMERIC.test(a) ? Number(a) : undefined;
  const nb = typeof b === 'number' ? b : typeof b === 'string' && NUMERIC.test(b) ? Number(b) : undefined;
  if (na !== undefined && nb !== undefined) {
    // Long digit strings (19-digit ICCIDs) are not safe as numbers: compare them by length, then as text.
    if (Number.isSafeInteger(na) && Number.isSafeInteger(nb)) return na - nb;
    if (!Number.isInteger(na) || !Number.isInteger(nb)) return na - nb;
    const sa = String(a).replace(/^-?0+(?=\d)/, '');
    const sb = String(b).replace(/^-?0+(?=\d)/, '');
    return sa.length !== sb.length ? sa.length - sb.length : sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return false;
  // ids travel as strings or numbers
  return (typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string') && compareValues(a, b) === 0;
}

function test(value: unknown, f: FilterEntry): boolean {
  const v = f.value;
  switch (f.comparator ?? 'EQ') {
    case 'EQ':
      return v === null || v === undefined ? value === null || value === undefined : same(value, v);
    case 'NEQ':
      return !(v === null || v === undefined ? value === null || value === undefined : same(value, v));
    case 'LT':
      return value != null && compareValues(value, v) < 0;
    case 'LTE':
      return value != null && compareValues(value, v) <= 0;
    case 'GT':
      return value != null && compareValues(value, v) > 0;
    case 'GTE':
      return value != null && compareValues(value, v) >= 0;
    case 'IN':
    case 'NIN': {
      if (!Array.isArray(v)) throw badInput(`${f.comparator} needs a list value`);
      const found = v.some((x) => same(value, x));
      return f.comparator === 'IN' ? found : !found;
    }
    case 'CONTAINS':
      return typeof value === 'string' && value.includes(String(v));
    case 'STARTS_WITH':
      return typeof value === 'string' && value.startsWith(String(v));
    case 'ENDS_WITH':
      return typeof value === 'string' && value.endsWith(String(v));
    case 'NULL':
      // Inferred: value true (default) = is null, false = is not null.
      return v === false ? value !== null && value !== undefined : value === null || value === undefined;
    default:
      throw badInput(`Unknown comparator ${String(f.comparator)}`);
  }
}

function asList<T>(value: T | readonly (T | null)[] | null | undefined): T[] {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((x): x is T => x !== null && x !== undefined);
}

/**
 * Conditions are read left to right; each one's `operator` (AND when omitted) joins it to the result
 * so far, so `[a, b(OR), c(AND)]` means `(a OR b) AND c`. Inferred: the reference shows the keys only.
 */
export function matchesFilter<R>(record: R, filter: FilterEntry | readonly (FilterEntry | null)[] | null | undefined, fields: readonly string[]): boolean {
  let result: boolean | undefined;
  for (const f of asList(filter)) {
    if (!fields.includes(f.field)) throw badInput(`Unknown filter field "${f.field}"; use one of ${fields.join(', ')}`);
    const ok = test((record as Record<string, unknown>)[f.field], f);
    result = result === undefined ? ok : f.operator === 'OR' ? result || ok : result && ok;
  }
  return result ?? true;
}

export function sortRecords<R>(list: R[], sort: SortEntry | readonly (SortEntry | null)[] | null | undefined, fields: readonly string[]): R[] {
  const keys = asList(sort);
  for (const k of keys) if (!fields.includes(k.field)) throw badInput(`Unknown sort field "${k.field}"; use one of ${fields.join(', ')}`);
  const get = (r: R, f: string) => (r as Record<string, unknown>)[f];
  // Array.prototype.sort is stable; ties fall back to id ascending.
  return [...list].sort((a, b) => {
    for (const k of keys) {
      const c = compareValues(get(a, k.field), get(b, k.field));
      if (c !== 0) return k.order === 'DESC' ? -c : c;
    }
    return compareValues(get(a, 'id'), get(b, 'id'));
  });
}

/** `offset` before `limit`, as the reference says. Without a limit the rest of the list is returned. */
export function pageOf<T>(list: T[], pagination: { offset?: number | null; limit?: number | null } | null | undefined): T[] {
  const offset = pagination?.offset ?? 0;
  const limit = pagination?.limit;
  if (offset < 0) throw badInput('offset must not be negative');
  if (limit !== null && limit !== undefined && limit < 0) throw badInput('limit must not be negative');
  return list.slice(offset, limit === null || limit === undefined ? undefined : offset + limit);
}

// ---------------------------------------------------------------- state

export const SIMCARD_FILTER_FIELDS = ['id', 'iccidPlastic', 'simId', 'isBlocked', 'allowFreeCallerIdChange', 'allowFreeVoiceSubstitution', 'profile', 'description', 'latestActivity', 'tariffExpiresAt', 'isArchived'];
export const TARIFF_FILTER_FIELDS = ['id', 'name', 'tariffType', 'isArchived', 'callOutgoingRateAmount', 'callIncomingRateAmount', 'dataRateAmount', 'duration'];
export const DID_FILTER_FIELDS = ['id', 'msisdn', 'state', 'rentedAt', 'attachedAt', 'isSmsEnabled'];
export const DEDUCTION_FILTER_FIELDS = ['id', 'type', 'value', 'performedAt', 'comment', 'oldValue', 'newValue'];
export const OTA_TASK_FILTER_FIELDS = ['id', 'otaId', 'otaName', 'ourName', 'description', 'price', 'simcardPrice'];
export const OTA_LOG_FILTER_FIELDS = ['id', 'otaId', 'statusId', 'iccid', 'appletName', 'createdAt', 'source', 'ourName'];

export function makeSimcard(seed: SimcardSeed, id: string): SimcardRecord {
  const { resource, ...rest } = seed;
  return {
    iccidPlastic: null,
    simId: null,
    isBlocked: false,
    allowFreeCallerIdChange: false,
    allowFreeVoiceSubstitution: false,
    fmcs: null,
    callerIds: [],
    externalMsisdns: [],
    currentTariffId: null,
    profile: null,
    description: null,
    latestActivity: null,
    tariffExpiresAt: null,
    imei: null,
    isArchived: false,
    ...rest,
    id,
    resource: { balance: resource?.balance ?? 0, dataBalance: resource?.dataBalance ?? 0 },
  };
}

type IdKind = 'simcard' | 'tariff' | 'package' | 'did' | 'deduction' | 'ota' | 'otaLog';

/** The fake's state and the operations on it (used by the resolvers and by your tests). */
export class MyPhoneState {
  readonly simcards = new Map<string, SimcardRecord>();
  readonly tariffs = new Map<string, TariffRecord>();
  /** Rented (and attached) numbers, by id. */
  readonly dids = new Map<string, DidRecord>();
  /** Numbers offered for rent, by id. A number keeps its id when rented. */
  readonly didsForRent = new Map<string, DidForRentRecord>();
  readonly rentDeductions: RentDeductionRecord[] = [];
  readonly otaTasks = new Map<string, OtaTaskRecord>();
  readonly otaRequestLogs: OtaRequestLogRecord[] = [];
  partnerBalance: number;
  readonly now: () => number;
  #ids = { simcard: 0, tariff: 0, package: 0, did: 0, deduction: 0, ota: 0, otaLog: 0 };

  constructor(options: MyPhoneStateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.partnerBalance = options.partnerBalance ?? 1000;
    for (const t of options.tariffs ?? DEFAULT_TARIFFS) this.addTariff(t);
    for (const s of options.simcards ?? []) this.addSimcard(s);
    for (const d of options.didsForRent ?? defaultDidsForRent()) this.addDidForRent(d);
    for (const d of options.dids ?? []) this.addDid(d);
    for (const r of options.rentDeductions ?? []) this.addRentDeduction(r);
    for (const t of options.otaTasks ?? []) this.addOtaTask(t);
    for (const l of options.otaRequestLogs ?? []) this.addOtaRequestLog(l);
  }

  #nextId(kind: IdKind, seed: string | undefined): string {
    const counters = this.#ids;
    if (seed !== undefined) {
      if (NUMERIC.test(seed)) counters[kind] = Math.max(counters[kind], Number(seed));
      return seed;
    }
    return String(++counters[kind]);
  }

  iso(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString();
  }

  addSimcard(seed: SimcardSeed = {}): SimcardRecord {
    const sim = makeSimcard(seed, this.#nextId('simcard', seed.id));
    this.simcards.set(sim.id, sim);
    return sim;
  }

  addTariff(seed: TariffSeed = {}): TariffRecord {
    const id = this.#nextId('tariff', seed.id);
    const packages = (seed.packages ?? []).map((p) => ({ id: this.#nextId('package', p.id), resource: { ...p.resource } }));
    const tariff: TariffRecord = {
      name: null,
      tariffType: null,
      isArchived: false,
      cost: null,
      callOutgoingRateAmount: null,
      callIncomingRateAmount: null,
      dataRateAmount: null,
      duration: null,
      packageTotalCallsMaxDuration: null,
      ...seed,
      id,
      packages,
    };
    this.tariffs.set(id, tariff);
    return tariff;
  }

  addDidForRent(seed: DidForRentSeed): DidForRentRecord {
    const did: DidForRentRecord = { monthlyPrice: null, isSmsEnabled: null, ...seed, id: this.#nextId('did', seed.id) };
    this.didsForRent.set(did.id, did);
    return did;
  }

  addDid(seed: DidSeed): DidRecord {
    const did: DidRecord = {
      state: seed.simcardId ? 'ATTACHED' : 'RENTED',
      rentedAt: this.iso(),
      attachedAt: seed.simcardId ? this.iso() : null,
      isSmsEnabled: null,
      monthlyPrice: null,
      simcardId: null,
      ...seed,
      id: this.#nextId('did', seed.id),
    };
    this.dids.set(did.id, did);
    return did;
  }

  addRentDeduction(seed: RentDeductionSeed): RentDeductionRecord {
    const record: RentDeductionRecord = { simCardId: null, type: null, value: null, performedAt: this.iso(), comment: null, oldValue: null, newValue: null, ...seed, id: this.#nextId('deduction', seed.id) };
    this.rentDeductions.push(record);
    return record;
  }

  addOtaTask(seed: OtaTaskSeed = {}): OtaTaskRecord {
    const id = this.#nextId('ota', seed.id);
    const task: OtaTaskRecord = { otaId: id, otaName: null, ourName: null, description: null, price: null, simcardPrice: null, ...seed, id };
    this.otaTasks.set(id, task);
    return task;
  }

  addOtaRequestLog(seed: OtaRequestLogSeed = {}): OtaRequestLogRecord {
    const log: OtaRequestLogRecord = { otaId: null, statusId: null, iccid: null, appletName: null, createdAt: this.iso(), source: null, ourName: null, simId: null, ...seed, id: this.#nextId('otaLog', seed.id) };
    this.otaRequestLogs.push(log);
    return log;
  }

  /** Sets the price a sim card pays for the task (Inferred: the reference gives no rule beyond "Price"). */
  changeOtaSimcardPrice(id: string, price: number): true {
    const task = this.otaTasks.get(String(id));
    if (!task) throw notFound(`OTA task ${id}`);
    if (!Number.isFinite(price) || price < 0) throw badInput('simcardPrice must be a non-negative number');
    task.simcardPrice = price;
    return true;
  }

  simcard(id: string): SimcardRecord {
    const sim = this.simcards.get(String(id));
    if (!sim) throw notFound(`Simcard ${id}`);
    return sim;
  }

  tariff(id: string): TariffRecord {
    const tariff = this.tariffs.get(String(id));
    if (!tariff) throw notFound(`Tariff ${id}`);
    return tariff;
  }

  did(id: string): DidRecord {
    const did = this.dids.get(String(id));
    if (!did) throw notFound(`Rented number ${id}`);
    return did;
  }

  // ---- mutations (SEED_NOTES.md (d))

  setBlocked(simcardId: string, blocked: boolean): true {
    this.simcard(simcardId).isBlocked = blocked;
    return true;
  }

  setArchived(simcardId: string, archived: boolean): true {
    this.simcard(simcardId).isArchived = archived;
    return true;
  }

  attachCallerId(simcardId: string, msisdn: string): true {
    const sim = this.simcard(simcardId);
    if (!sim.callerIds.some((c) => c.msisdn === msisdn)) sim.callerIds.push({ msisdn });
    return true;
  }

  /** No msisdn is passed, so every caller id goes (Inferred). */
  detachCallerId(simcardId: string): true {
    this.simcard(simcardId).callerIds = [];
    return true;
  }

  /** charge = debit, recharge = top-up (Inferred: the reference calls all four amounts "replenishment"). */
  adjustBalance(simcardId: string, kind: 'balance' | 'dataBalance', sign: 1 | -1, amount: unknown): true {
    const sim = this.simcard(simcardId);
    sim.resource[kind] = round(sim.resource[kind] + sign * toAmount(amount));
    return true;
  }

  /** Sets the tariff and restarts its period (Inferred: `free: false` is not modelled as a charge). */
  changeTariff(simcardId: string, tariffId: string): true {
    const sim = this.simcard(simcardId);
    const tariff = this.tariff(tariffId);
    if (tariff.isArchived) throw badInput(`Tariff ${tariffId} is archived`);
    sim.currentTariffId = tariff.id;
    if (tariff.duration !== null) sim.tariffExpiresAt = this.iso(tariff.duration * DAY_MS);
    return true;
  }

  updateDescription(simcardId: string, description: string): true {
    this.simcard(simcardId).description = description;
    return true;
  }

  changeRemainingTariffDays(simcardId: string, days: number): true {
    if (days < 0) throw badInput('day must not be negative');
    this.simcard(simcardId).tariffExpiresAt = this.iso(days * DAY_MS);
    return true;
  }

  archiveTariff(id: string): true {
    this.tariff(id).isArchived = true;
    return true;
  }

  createPackage(tariffId: string, quota: string, unit: string): true {
    this.tariff(tariffId).packages.push({ id: this.#nextId('package', undefined), resource: { quota: String(quota), unit } });
    return true;
  }

  /** `id` is the package id (Inferred). */
  deletePackage(packageId: string): true {
    for (const tariff of this.tariffs.values()) {
      const index = tariff.packages.findIndex((p) => p.id === String(packageId));
      if (index >= 0) {
        tariff.packages.splice(index, 1);
        return true;
      }
    }
    throw notFound(`Package ${packageId}`);
  }

  updateTariff(args: { id: string; name: string; type: TariffType; duration: number; dataRateValue: number; voiceIncomingRateValue: number; voiceOutgoingRateValue: number }): true {
    const tariff = this.tariff(args.id);
    tariff.name = args.name;
    tariff.tariffType = args.type;
    tariff.duration = args.duration;
    tariff.dataRateAmount = Math.round(args.dataRateValue * 100);
    tariff.callIncomingRateAmount = Math.round(args.voiceIncomingRateValue * 100);
    tariff.callOutgoingRateAmount = Math.round(args.voiceOutgoingRateValue * 100);
    return true;
  }

  /** The number leaves the rent list, becomes RENTED, and its first month is deducted (Inferred). */
  rentMultitel(didId: string): true {
    const offer = this.didsForRent.get(String(didId));
    if (!offer) throw notFound(`Number for rent ${didId}`);
    this.didsForRent.delete(offer.id);
    this.dids.set(offer.id, { id: offer.id, msisdn: offer.number, state: 'RENTED', rentedAt: this.iso(), attachedAt: null, isSmsEnabled: offer.isSmsEnabled, monthlyPrice: offer.monthlyPrice, simcardId: null });
    const value = offer.monthlyPrice ?? 0;
    const oldValue = this.partnerBalance;
    this.partnerBalance = round(oldValue - value);
    this.addRentDeduction({ type: 'RENT', value, oldValue, newValue: this.partnerBalance, comment: `Rent of ${offer.number}`, simCardId: null });
    return true;
  }

  /** Test helper: no documented mutation attaches a number to a sim card. */
  attachDid(didId: string, simcardId: string): DidRecord {
    const did = this.did(didId);
    this.simcard(simcardId);
    Object.assign(did, { state: 'ATTACHED', simcardId: String(simcardId), attachedAt: this.iso() });
    return did;
  }

  detachDid(didId: string): true {
    const did = this.did(didId);
    if (did.state !== 'ATTACHED') throw badInput(`Number ${didId} is not attached to a sim card`);
    Object.assign(did, { state: 'RENTED', simcardId: null, attachedAt: null });
    return true;
  }

  /** The rented number is given up and offered for rent again (Inferred). */
  rejectDid(didId: string): true {
    const did = this.did(didId);
    this.dids.delete(did.id);
    this.didsForRent.set(did.id, { id: did.id, number: did.msisdn ?? '', monthlyPrice: did.monthlyPrice, isSmsEnabled: did.isSmsEnabled });
    return true;
  }
}
