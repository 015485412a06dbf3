/**
 * In-memory model of one Totogi tenant (provider): accounts with monetary balances, devices, plans
 * with their version state machine, plan services, rules, field mappings, users, EDRs and the
 * provider's settings. Resolvers (resolvers.ts) turn GraphQL arguments into calls on this state; your
 * tests may seed and inspect it directly. Semantics follow SEED_NOTES.md section (d).
 */
import { GraphQLError } from 'graphql';
import { encodeToken, decodeToken } from '@sdk/core/testing';
import { TOTOGI_MAX_PAGE_SIZE } from '../constants.js';

export type PlanState = 'NEW' | 'DEPLOYED' | 'AVAILABLE' | 'SUSPENDED' | 'ARCHIVED';
export type DebitStatus = 'RESERVED' | 'COMMITTED' | 'CANCELLED' | 'TIMED_OUT';
export type EdrType = 'CHARGING' | 'BILLING' | 'ACCOUNT' | 'DEVICE' | 'CHURN_SCORE';
export type FieldDataType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'JSON';
export type ProviderLifecycleStage = 'CREATING' | 'UAT_READY' | 'ACTIVE' | 'SUSPENDED' | 'TERMINATED' | 'DELETED';

export interface PostpaidRecord {
  timezone: string | null;
  billingDayOfMonth: number | null;
  lastBillingDate: string | null;
  longFirstBillingCycle: boolean | null;
}

export interface SubscriptionRecord {
  planSubscriptionId: string;
  planVersionId: string;
  from: string;
  to: string;
  renewal: string | null;
  overrides: { name: string; value: string }[];
  status: 'inactive' | 'active' | 'archived';
}

export interface AccountRecord {
  id: string;
  parentId: string | null;
  customData: string | null;
  balance: { version: number; value: number; customData: string | null };
  friendsAndFamily: string[] | null;
  creditLimit: number | null;
  postpaid: PostpaidRecord | null;
  churnScore: number;
  activatedAt: string | null;
  subscriptions: SubscriptionRecord[];
}

export interface ReservationRecord {
  reservationId: string;
  accountId: string;
  amount: number;
  expiresAt: number;
  status: DebitStatus;
}

export interface DeviceRecord {
  id: string;
  accountId: string;
  customData: string | null;
}

export interface ProvidedFieldRecord {
  name: string;
  dataType: FieldDataType;
  value: string | null;
  /** AWSJSON string; the real clients select it (ypyl/emulator.totogidemos.com). */
  customData?: string | null;
}

/** Rule IDs per rule set (charging, crediting, recurring as the real clients select). */
export interface RuleSetsRecord {
  charging: string[];
  crediting: string[];
  recurring: string[];
}

export interface RuleRecord {
  id: string;
  name: string;
  pluginId: string | null;
  providedFields: ProvidedFieldRecord[];
}

export interface PlanRecord {
  id: string;
  name: string;
  /** The initial/template plan of a tenant: cannot be deleted (PlanIsReadOnly). */
  readOnly: boolean;
}

export interface PlanVersionRecord {
  id: string;
  planId: string;
  version: string;
  basedOnId: string | null;
  state: PlanState;
  createdAt: string;
  createdBy: string;
  modifiedAt: string;
  modifiedBy: string;
  deployedAt: string | null;
  deployedBy: string | null;
  /** InitialTemplateInstance fields when created from the initial template. */
  template: Record<string, unknown> | null;
  counters: Record<string, unknown>[] | null;
  priority: number | null;
}

export interface PlanServiceRecord {
  id: string;
  planVersionId: string;
  name: string;
  ruleSets: RuleSetsRecord;
  providedFields: ProvidedFieldRecord[];
  ratingGroupId: number;
  balanceName: string | null;
  priority: number | null;
}

export interface FieldMappingRecord {
  path: string;
  expr: string;
}

export interface DeployedFieldMappingRecord {
  from: string;
  fieldMappings: FieldMappingRecord[];
}

export interface UserRecord {
  userId: string;
  email: string;
  name: string;
  roleGroupMemberships: string[];
  phoneNumber: string | null;
  jobTitle: string | null;
  softwareMfaEnabled: boolean;
  /** Cognito user status: CONFIRMED, FORCE_CHANGE_PASSWORD (new users), RESET_REQUIRED. */
  status: string;
}

export interface EdrRecord {
  id: string;
  createdAt: string;
  action: string;
  type: EdrType;
  accountId: string | null;
  deviceId: string | null;
  customData: string | null;
  eventData: string | null;
}

export interface RatingGroupRecord {
  id: number;
  name: string;
  perUnitRounding: number | null;
  minReservation: number | null;
  maxReservation: number | null;
  unitType: 'TIME' | 'VOLUME' | 'SERVICE_SPECIFIC_UNITS';
  quotaValidityTime: number | null;
  quotaHoldingTime: number | null;
  isDefault: boolean;
  children: RatingGroupRecord[];
}

export interface RestoreJobRecord {
  id: string;
  status: 'CREATED' | 'IN_PROGRESS' | 'COMPLETE' | 'CANCELED';
  createdAt: string;
  createdBy: string;
  modifiedAt: string;
  timestamp: string;
}

export interface ProviderConfigRecord {
  name: string;
  commonName: string;
  homeNetworks: string | null;
  emergencyNumbers: string[] | null;
  /** SUSPENDED, TERMINATED or DELETED make every operation answer InvalidProviderLifecycleStage. */
  lifecycleStage: ProviderLifecycleStage;
  churnFeatureEnabled: boolean;
}

export type AccountSeed = Partial<Omit<AccountRecord, 'balance' | 'subscriptions'>> & { id: string; balance?: number };
export type DeviceSeed = Partial<DeviceRecord> & { id: string; accountId: string };
export type RuleSeed = Partial<RuleRecord> & { id: string };
export type UserSeed = Partial<UserRecord> & { email: string };
export interface PlanSeed {
  id?: string;
  name: string;
  readOnly?: boolean;
  /** Versions to create (default one NEW version `v1`); each may carry plan services. */
  versions?: { id?: string; version?: string; state?: PlanState; priority?: number; services?: Partial<Omit<PlanServiceRecord, 'planVersionId'>>[] }[];
}

export interface TotogiStateOptions {
  /** The tenant the fake's user belongs to. Default `1001`. */
  providerId?: string;
  accounts?: AccountSeed[];
  devices?: DeviceSeed[];
  plans?: PlanSeed[];
  rules?: RuleSeed[];
  users?: UserSeed[];
  fieldMappings?: FieldMappingRecord[];
  edrs?: (Partial<EdrRecord> & { action: string })[];
  /** Clock for timestamps and reservation expiry. Default Date.now. */
  now?: () => number;
}

/** An error member as the API returns it. */
export type ErrorMember = { __typename: string; errorCode: string; errorMessage: string | null } & Record<string, unknown>;

export function errorMember(typename: string, fields: Record<string, unknown> = {}, errorMessage: string | null = null, errorCode: string = typename): ErrorMember {
  return { __typename: typename, errorCode, errorMessage, ...fields };
}

export function invalidField(fieldName: string, errorCode: string, errorMessage: string): ErrorMember {
  return errorMember('InvalidField', { fieldName }, errorMessage, errorCode);
}

export function isErrorMember(value: unknown): value is ErrorMember {
  return typeof value === 'object' && value !== null && typeof (value as { errorCode?: unknown }).errorCode === 'string' && typeof (value as { __typename?: unknown }).__typename === 'string';
}

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

/** Relay connection over an array: opaque cursors (base64 of the offset), `first` between 1 and 25. */
export function connection<T>(list: readonly T[], args: ConnectionArgs, node: (item: T) => unknown): { edges: { node: unknown; cursor: string }[]; pageInfo: { hasPreviousPage: boolean; hasNextPage: boolean; startCursor: string | null; endCursor: string | null } } {
  const first = args.first;
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > TOTOGI_MAX_PAGE_SIZE) {
    throw new GraphQLError(`Validation error: first must be between 1 and ${TOTOGI_MAX_PAGE_SIZE}, got ${String(first)}`, { extensions: { errorType: 'ValidationError' } });
  }
  let start = 0;
  if (args.after) {
    const decoded = decodeToken<{ offset?: unknown }>(args.after);
    if (!decoded || typeof decoded.offset !== 'number') throw new GraphQLError('Invalid cursor', { extensions: { errorType: 'BadRequestException' } });
    start = decoded.offset + 1;
  }
  const slice = list.slice(start, start + first);
  const edges = slice.map((item, i) => ({ node: node(item), cursor: encodeToken({ offset: start + i }) }));
  return {
    edges,
    pageInfo: {
      hasPreviousPage: start > 0,
      hasNextPage: start + first < list.length,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

const DEFAULT_RATING_GROUPS: RatingGroupRecord = {
  id: 0,
  name: 'Root',
  perUnitRounding: null,
  minReservation: null,
  maxReservation: null,
  unitType: 'SERVICE_SPECIFIC_UNITS',
  quotaValidityTime: null,
  quotaHoldingTime: null,
  isDefault: true,
  children: [
    { id: 100, name: 'Data', perUnitRounding: 1024, minReservation: null, maxReservation: null, unitType: 'VOLUME', quotaValidityTime: 3600, quotaHoldingTime: 60, isDefault: false, children: [] },
    { id: 200, name: 'Voice', perUnitRounding: 60, minReservation: null, maxReservation: null, unitType: 'TIME', quotaValidityTime: 3600, quotaHoldingTime: 60, isDefault: false, children: [] },
    { id: 300, name: 'SMS', perUnitRounding: 1, minReservation: null, maxReservation: null, unitType: 'SERVICE_SPECIFIC_UNITS', quotaValidityTime: 3600, quotaHoldingTime: 60, isDefault: false, children: [] },
  ],
};

/** The fake's state and the operations on it. */
export class TotogiState {
  readonly providerId: string;
  readonly now: () => number;
  readonly accounts = new Map<string, AccountRecord>();
  readonly devices = new Map<string, DeviceRecord>();
  readonly reservations = new Map<string, ReservationRecord>();
  readonly plans = new Map<string, PlanRecord>();
  readonly planVersions = new Map<string, PlanVersionRecord>();
  readonly planServices = new Map<string, PlanServiceRecord>();
  readonly rules = new Map<string, RuleRecord>();
  /** Draft field mappings by path. */
  readonly fieldMappings = new Map<string, FieldMappingRecord>();
  readonly deployedFieldMappings: DeployedFieldMappingRecord[] = [];
  readonly users = new Map<string, UserRecord>();
  readonly edrs: EdrRecord[] = [];
  readonly restoreJobs: RestoreJobRecord[] = [];
  ratingGroups: RatingGroupRecord = structuredClone(DEFAULT_RATING_GROUPS);
  settings: string | null = '{}';
  sgsnTable: { sgsnIPCIDR: string; countryCode: string }[] = [];
  archiveThreshold: number | null = null;
  providerConfig: ProviderConfigRecord = { name: 'Example Mobile', commonName: 'example-mobile', homeNetworks: '310260', emergencyNumbers: ['911'], lifecycleStage: 'ACTIVE', churnFeatureEnabled: false };
  /** Plan versions with a subscriber migration running (deployPlan answers MigrationAlreadyInProgress). */
  readonly migrationsInProgress = new Set<string>();
  /** Plan versions with a template update running (MigrationAlreadyInProgress' sibling PlanVersionUpdateAlreadyInProgress). */
  readonly updatesInProgress = new Set<string>();
  readonly #seq = new Map<string, number>();

  constructor(options: TotogiStateOptions = {}) {
    this.providerId = options.providerId ?? '1001';
    this.now = options.now ?? Date.now;
    for (const r of options.rules ?? []) this.addRule(r);
    for (const a of options.accounts ?? []) this.addAccount(a);
    for (const d of options.devices ?? []) this.addDevice(d);
    for (const p of options.plans ?? []) this.addPlan(p);
    for (const u of options.users ?? []) this.addUser(u);
    for (const m of options.fieldMappings ?? []) this.fieldMappings.set(m.path, { ...m });
    for (const e of options.edrs ?? []) this.addEdr(e);
  }

  nextId(kind: string): string {
    const n = (this.#seq.get(kind) ?? 0) + 1;
    this.#seq.set(kind, n);
    return `${kind}-${String(n).padStart(4, '0')}`;
  }

  iso(ms: number = this.now()): string {
    return new Date(ms).toISOString();
  }

  // ---- seeding helpers (also used by the resolvers)

  addAccount(seed: AccountSeed): AccountRecord {
    const { balance, ...rest } = seed;
    const account: AccountRecord = {
      parentId: null,
      customData: null,
      friendsAndFamily: null,
      creditLimit: null,
      postpaid: null,
      churnScore: 0,
      activatedAt: this.iso(),
      ...rest,
      balance: { version: 0, value: balance ?? 0, customData: null },
      subscriptions: [],
    };
    this.accounts.set(account.id, account);
    return account;
  }

  addDevice(seed: DeviceSeed): DeviceRecord {
    const device: DeviceRecord = { customData: null, ...seed };
    this.devices.set(device.id, device);
    return device;
  }

  addRule(seed: RuleSeed): RuleRecord {
    const rule: RuleRecord = { name: seed.id, pluginId: null, providedFields: [], ...seed };
    this.rules.set(rule.id, rule);
    return rule;
  }

  addUser(seed: UserSeed): UserRecord {
    const user: UserRecord = { userId: seed.userId ?? this.nextId('user'), name: seed.email.split('@')[0]!, roleGroupMemberships: ['Account_Query'], phoneNumber: null, jobTitle: null, softwareMfaEnabled: false, status: 'CONFIRMED', ...seed };
    this.users.set(user.userId, user);
    return user;
  }

  addPlan(seed: PlanSeed): PlanRecord {
    const plan: PlanRecord = { id: seed.id ?? this.nextId('plan'), name: seed.name, readOnly: seed.readOnly ?? false };
    this.plans.set(plan.id, plan);
    for (const v of seed.versions ?? [{}]) {
      const version = this.addPlanVersion(plan.id, { id: v.id, version: v.version ?? 'v1', priority: v.priority ?? null });
      for (const s of v.services ?? []) this.addPlanService({ ...s, planVersionId: version.id });
      if (v.state && v.state !== 'NEW') {
        version.state = v.state;
        version.deployedAt = this.iso();
        version.deployedBy = 'seed';
      }
    }
    return plan;
  }

  addPlanVersion(planId: string, seed: Partial<PlanVersionRecord> & { version: string }, by = 'seed'): PlanVersionRecord {
    const at = this.iso();
    const version: PlanVersionRecord = {
      basedOnId: null,
      state: 'NEW',
      createdAt: at,
      createdBy: by,
      modifiedAt: at,
      modifiedBy: by,
      deployedAt: null,
      deployedBy: null,
      template: null,
      counters: null,
      priority: null,
      ...seed,
      id: seed.id ?? this.nextId('planversion'),
      planId,
    };
    this.planVersions.set(version.id, version);
    return version;
  }

  addPlanService(seed: Partial<PlanServiceRecord> & { planVersionId: string }): PlanServiceRecord {
    const service: PlanServiceRecord = { name: 'service', ruleSets: { charging: [], crediting: [], recurring: [] }, providedFields: [], ratingGroupId: 100, balanceName: null, priority: null, ...seed, id: seed.id ?? this.nextId('planservice') };
    this.planServices.set(service.id, service);
    return service;
  }

  addEdr(seed: Partial<EdrRecord> & { action: string }): EdrRecord {
    const edr: EdrRecord = { id: this.nextId('edr'), createdAt: this.iso(), type: 'ACCOUNT', accountId: null, deviceId: null, customData: null, eventData: null, ...seed };
    this.edrs.push(edr);
    return edr;
  }

  // ---- queries on the state

  versionsOf(planId: string): PlanVersionRecord[] {
    return [...this.planVersions.values()].filter((v) => v.planId === planId);
  }

  servicesOf(planVersionId: string): PlanServiceRecord[] {
    return [...this.planServices.values()].filter((s) => s.planVersionId === planVersionId);
  }

  /** Subscriptions (not archived) that use a plan version. */
  refCount(planVersionId: string): number {
    let n = 0;
    for (const a of this.accounts.values()) for (const s of a.subscriptions) if (s.planVersionId === planVersionId && s.status !== 'archived') n++;
    return n;
  }

  childrenOf(accountId: string): AccountRecord[] {
    return [...this.accounts.values()].filter((a) => a.parentId === accountId);
  }

  devicesOf(accountId: string): DeviceRecord[] {
    return [...this.devices.values()].filter((d) => d.accountId === accountId);
  }

  /** Money that can still be debited: balance minus open reservations, plus the credit limit of postpaid accounts. */
  available(account: AccountRecord): number {
    this.expireReservations();
    let held = 0;
    for (const r of this.reservations.values()) if (r.accountId === account.id && r.status === 'RESERVED') held += r.amount;
    return account.balance.value - held + (account.creditLimit && account.creditLimit > 0 ? account.creditLimit : 0);
  }

  expireReservations(): void {
    const now = this.now();
    for (const r of this.reservations.values()) if (r.status === 'RESERVED' && now >= r.expiresAt) r.status = 'TIMED_OUT';
  }

  ratingGroupIds(): Set<number> {
    const ids = new Set<number>();
    const walk = (g: RatingGroupRecord) => {
      ids.add(g.id);
      for (const c of g.children) walk(c);
    };
    walk(this.ratingGroups);
    return ids;
  }

  /** Adds to the monetary balance and activates pending subscriptions (the first credit/charge does that). */
  changeBalance(account: AccountRecord, delta: number): void {
    account.balance.value = Math.round((account.balance.value + delta) * 1e6) / 1e6;
    account.balance.version++;
    for (const s of account.subscriptions) {
      if (s.status === 'inactive') {
        s.status = 'active';
        this.addEdr({ action: 'activatePlanSubscription', type: 'ACCOUNT', accountId: account.id, eventData: JSON.stringify({ planSubscriptionId: s.planSubscriptionId, planVersionId: s.planVersionId }) });
      }
    }
  }
}
