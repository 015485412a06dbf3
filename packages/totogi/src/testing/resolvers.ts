/**
 * Root resolvers of the fake: one per operation, over TotogiState. Success payloads are returned
 * without `__typename` (the mock adds the union's success member); errors are returned as error
 * members (`errorMember(...)`), the way the API reports them: as data, not GraphQL errors.
 * Nested fields that need arguments or would recurse (Plan.versions, Account.parent, ...) are
 * functions, which graphql-js calls as field resolvers.
 */
import { GraphQLError } from 'graphql';
import type * as G from '../generated/graphql.js';
import {
  connection,
  errorMember,
  invalidField,
  type AccountRecord,
  type DeployedFieldMappingRecord,
  type DeviceRecord,
  type EdrRecord,
  type ErrorMember,
  type FieldMappingRecord,
  type PlanRecord,
  type PlanServiceRecord,
  type PlanVersionRecord,
  type ProvidedFieldRecord,
  type RatingGroupRecord,
  type RuleRecord,
  type RuleSetsRecord,
  type SubscriptionRecord,
  type TotogiState,
  type UserRecord,
  isErrorMember,
} from './state.js';

export interface ResolverContext {
  /** The user the request's token belongs to. */
  user: UserRecord | undefined;
  operationName: string | null;
}

type Resolver = (args: any, context: ResolverContext) => unknown;

const INDEFINITE = '3000-01-01T00:00:00.000Z';
const E164 = /^\+[1-9]\d{1,14}$/;
const TIMEZONE = /^([+-])(\d{2}):(\d{2})$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const idOf = (value: string | number | null | undefined): string | undefined => (value === null || value === undefined ? undefined : String(value));

function validDate(value: string | null | undefined): boolean {
  return value === null || value === undefined || !Number.isNaN(Date.parse(value));
}

function parseJson(value: string | null | undefined): { ok: true; value: unknown } | { ok: false } {
  if (value === null || value === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(value) };
  } catch {
    return { ok: false };
  }
}

function balancedExpression(expr: string): boolean {
  let depth = 0;
  for (const ch of expr) {
    if (ch === '(' || ch === '[') depth++;
    if (ch === ')' || ch === ']') depth--;
    if (depth < 0) return false;
  }
  return depth === 0 && expr.trim() !== '';
}

export function createResolvers(state: TotogiState): Record<string, Resolver> {
  const providerId = state.providerId;

  // ---- views: records → GraphQL objects

  const account = (a: AccountRecord): Record<string, unknown> => ({
    providerId,
    id: a.id,
    customData: a.customData,
    balance: { ...a.balance },
    parent: () => {
      const p = a.parentId ? state.accounts.get(a.parentId) : undefined;
      return p ? account(p) : null;
    },
    inactivePlanVersions: () => a.subscriptions.filter((s) => s.status === 'inactive').map(subscription),
    activePlanVersions: () => a.subscriptions.filter((s) => s.status === 'active').map(subscription),
    archivedPlanVersions: () => a.subscriptions.filter((s) => s.status === 'archived').map(subscription),
    friendsAndFamily: a.friendsAndFamily,
    creditLimit: a.creditLimit,
    postpaid: a.postpaid ? { ...a.postpaid } : null,
    churnScore: a.churnScore,
    activatedAt: a.activatedAt,
  });

  const subscription = (s: SubscriptionRecord) => ({
    planSubscriptionId: s.planSubscriptionId,
    from: s.from,
    to: s.to,
    renewal: s.renewal,
    planVersion: () => planVersion(state.planVersions.get(s.planVersionId)!),
    overrides: s.overrides,
  });

  const device = (d: DeviceRecord) => ({ providerId, id: d.id, customData: d.customData, account: () => account(state.accounts.get(d.accountId)!) });

  const rule = (r: RuleRecord): Record<string, unknown> => ({ providerId, id: r.id, name: r.name, pluginId: r.pluginId, providedFields: r.providedFields.map((f) => providedField(f, { __typename: 'Rule', providerId, id: r.id, name: r.name })) });

  const providedField = (f: ProvidedFieldRecord, provider: Record<string, unknown>) => ({ ...f, provider });

  const planService = (s: PlanServiceRecord): Record<string, unknown> => {
    const self = { providerId, id: s.id, name: s.name, ratingGroupId: s.ratingGroupId, balanceName: s.balanceName, priority: s.priority };
    const rules = (ids: string[]) => ids.map((id) => state.rules.get(id)).filter((r): r is RuleRecord => !!r).map(rule);
    return { ...self, ruleSets: { charging: rules(s.ruleSets.charging), crediting: rules(s.ruleSets.crediting), recurring: rules(s.ruleSets.recurring) }, providedFields: s.providedFields.map((f) => providedField(f, { __typename: 'PlanService', ...self })) };
  };

  const plan = (p: PlanRecord): Record<string, unknown> => ({
    providerId,
    id: p.id,
    name: p.name,
    versions: (args: { first: number; after?: string | null; orderBy?: { direction: 'ASC' | 'DESC'; field: 'ID' | 'LAST_MODIFIED' | 'DEPLOYED_DATE' } | null }) => {
      const list = state.versionsOf(p.id);
      const order = args.orderBy;
      if (order) {
        const key = order.field === 'LAST_MODIFIED' ? 'modifiedAt' : order.field === 'DEPLOYED_DATE' ? 'deployedAt' : 'id';
        list.sort((a, b) => String(a[key] ?? '').localeCompare(String(b[key] ?? '')) * (order.direction === 'DESC' ? -1 : 1));
      }
      return connection(list, args, planVersion);
    },
  });

  const planVersion = (v: PlanVersionRecord): Record<string, unknown> => ({
    providerId,
    id: v.id,
    version: v.version,
    basedOn: () => {
      const b = v.basedOnId ? state.planVersions.get(v.basedOnId) : undefined;
      return b ? planVersion(b) : null;
    },
    plan: () => {
      const p = state.plans.get(v.planId);
      return p ? plan(p) : null;
    },
    state: v.state,
    refCount: state.refCount(v.id),
    planServices: () => state.servicesOf(v.id).map(planService),
    createdAt: v.createdAt,
    createdBy: v.createdBy,
    modifiedAt: v.modifiedAt,
    modifiedBy: v.modifiedBy,
    deployedAt: v.deployedAt,
    deployedBy: v.deployedBy,
    template: v.template ? { __typename: 'InitialTemplateInstance', ...v.template } : null,
    counters: v.counters,
    priority: v.priority,
  });

  const fieldMapping = (m: FieldMappingRecord) => ({ path: m.path, expr: m.expr, field: { name: m.path, dataType: 'STRING', value: null, customData: null, provider: { __typename: 'External', name: m.path } } });

  const deployed = (d: DeployedFieldMappingRecord) => ({ providerId, from: d.from, fieldMappings: (args: { first: number; after?: string | null }) => connection(d.fieldMappings, args, fieldMapping) });

  const edr = (e: EdrRecord) => ({ providerId, id: e.id, createdAt: e.createdAt, action: e.action, customData: e.customData, eventData: e.eventData });

  const user = (u: UserRecord) => ({
    providerId,
    userId: u.userId,
    email: u.email,
    name: u.name,
    roleGroupMemberships: u.roleGroupMemberships,
    profilePicture: { url: `https://profile-pictures.example.com/${u.userId}.png`, uploadUrl: null },
    phoneNumber: u.phoneNumber,
    jobTitle: u.jobTitle,
    softwareMfaEnabled: u.softwareMfaEnabled,
  });

  const ratingGroup = (g: RatingGroupRecord): Record<string, unknown> => ({ ...g, providerId, children: g.children.map(ratingGroup) });

  const providerConfig = () => {
    const c = state.providerConfig;
    const transitions: Record<string, string[]> = { CREATING: ['UAT_READY'], UAT_READY: ['ACTIVE'], ACTIVE: ['SUSPENDED', 'TERMINATED'], SUSPENDED: ['ACTIVE', 'TERMINATED'], TERMINATED: ['DELETED'], DELETED: [] };
    return {
      id: providerId,
      ...c,
      allowedLifecycleTransitions: transitions[c.lifecycleStage] ?? [],
      limits: [{ apiType: 'APPSYNC', rejectRequestsOverSoftLimit: false, softLimitTps: 100, hardLimitTps: 200, overSoftLimitUntil: null, overHardLimitUntil: null }],
      frequencyOfModelUpdate: null,
      frequencyOfChurnCalculation: null,
      lookbackPeriod: null,
      deleteProviderExecutionArn: null,
      eventBusArn: `arn:aws:events:us-east-1:000000000000:event-bus/${providerId}`,
    };
  };

  // ---- lookups that answer the matching NotFound member

  const findAccount = (id: string | number): AccountRecord | ErrorMember =>
    state.accounts.get(String(id)) ?? errorMember('AccountNotFound', { providerId, accountId: String(id) }, `Account ${String(id)} not found`);
  const findDevice = (id: string | number): DeviceRecord | ErrorMember =>
    state.devices.get(String(id)) ?? errorMember('DeviceNotFound', { providerId, deviceId: String(id) }, `Device ${String(id)} not found`);
  const findPlan = (id: string | number): PlanRecord | ErrorMember => state.plans.get(String(id)) ?? errorMember('PlanNotFound', { providerId, planId: String(id) }, `Plan ${String(id)} not found`);
  const findVersion = (id: string | number): PlanVersionRecord | ErrorMember =>
    state.planVersions.get(String(id)) ?? errorMember('PlanVersionNotFound', { providerId, planVersionId: String(id) }, `Plan version ${String(id)} not found`);
  const findService = (id: string | number): PlanServiceRecord | ErrorMember =>
    state.planServices.get(String(id)) ?? errorMember('PlanServiceNotFound', { providerId, planServiceId: String(id) }, `Plan service ${String(id)} not found`);
  const findUser = (id: string | number): UserRecord | ErrorMember => state.users.get(String(id)) ?? errorMember('UserNotFound', { providerId, userId: String(id) }, `User ${String(id)} not found`);
  const isError = isErrorMember;

  const by = (ctx: ResolverContext) => ctx.user?.email ?? 'api';
  const touch = (v: PlanVersionRecord, ctx: ResolverContext) => {
    v.modifiedAt = state.iso();
    v.modifiedBy = by(ctx);
  };
  const wrongTransition = (v: PlanVersionRecord, to: string) => errorMember('PlanVersionWrongTransition', { providerId, planVersionId: v.id }, `Plan version ${v.id} cannot go from ${v.state} to ${to}`);
  const edrFor = (action: string, a: AccountRecord, extra: Partial<EdrRecord> = {}) => state.addEdr({ action, type: 'ACCOUNT', accountId: a.id, ...extra });

  // ---- validation shared by create/update

  function checkAccountFields(input: { friendsAndFamily?: (string | null | undefined)[] | null; customData?: string | null; postpaid?: { timezone?: string | null; billingDayOfMonth?: number | null } | null }): ErrorMember | undefined {
    const fnf = input.friendsAndFamily;
    if (fnf) {
      if (fnf.length > 20) return invalidField('friendsAndFamily', 'InvalidFriendsAndFamilyList', 'Friends and family list can consist of 20 numbers maximum.');
      if (fnf.some((n) => !n || !E164.test(n))) return invalidField('friendsAndFamily', 'InvalidFriendsAndFamilyNumber', 'Friends and family list consists of invalid number. The only allowed format is E.164.');
    }
    const json = parseJson(input.customData);
    if (!json.ok) return invalidField('customData', 'InvalidJson', 'customData must be a JSON string.');
    if (json.value && typeof json.value === 'object' && 'creditLimit' in json.value) {
      return invalidField('customData', 'InvalidJsonCreditLimit', 'Cannot set credit limit from json.creditLimit. Must use creditLimit directly.');
    }
    const tz = input.postpaid?.timezone;
    if (tz !== undefined && tz !== null) {
      const m = TIMEZONE.exec(tz);
      const minutes = m ? (Number(m[2]) * 60 + Number(m[3])) * (m[1] === '-' ? -1 : 1) : NaN;
      if (!m || Number(m[3]) > 59 || minutes < -12 * 60 || minutes > 14 * 60) return invalidField('postpaid.timezone', 'InvalidTimezone', 'Timezone format is wrong. It should be between -12:00 and +14:00.');
    }
    const day = input.postpaid?.billingDayOfMonth;
    if (day !== undefined && day !== null && (!Number.isInteger(day) || day < 1 || day > 31)) {
      return invalidField('postpaid.billingDayOfMonth', 'InvalidDayOfMonth', 'Billing day of month should be between 1 and 31 inclusive.');
    }
    return undefined;
  }

  function checkCounters(counters: G.CounterInput[] | null | undefined): ErrorMember | undefined {
    if (!counters) return undefined;
    const names = new Set<string>();
    for (const c of counters) {
      if (c.name.length < 1 || c.name.length > 50) return invalidField('counters.name', 'InvalidCounterName', 'The provided counter name must be between 1 and 50 characters and consist of letters, digits or special characters.');
      if (names.has(c.name)) return invalidField('counters.name', 'InvalidCounterNames', 'Counter names must be unique accross the plan.');
      names.add(c.name);
      const stateNames = new Set(c.states.map((s) => s.name));
      const thresholds = c.states.filter((s) => s.threshold != null).map((s) => s.threshold);
      if (stateNames.size !== c.states.length || new Set(thresholds).size !== thresholds.length || thresholds.length === c.states.length) {
        return invalidField('counters.states', 'InvalidCounterStates', 'Thresholds and names of states must be unique accross the counter and one of the states must not have a threshold.');
      }
      if (!balancedExpression(c.increment)) return invalidField('counters.increment', 'InvalidCounterExpression', 'The provided counter SPEL expression cannot be compiled.');
    }
    return undefined;
  }

  type TemplateInput = Omit<G.CreatePlanVersionFromInitialTemplateInput, 'providerId' | 'planVersionId' | 'version'>;

  /** The initial template's rules (seed: InvalidField codes and CreatePlanValidationFailed codes). */
  function checkTemplate(input: TemplateInput): ErrorMember | undefined {
    const groups = state.ratingGroupIds();
    for (const s of input.services ?? []) {
      if (!groups.has(s.ratingGroupId) || s.ratingGroupId === state.ratingGroups.id) {
        return invalidField('services.ratingGroupId', 'InvalidRatingGroup', 'There is no provided rating group ID in the hierarchy or provided rating group ID is the Root.');
      }
      if (s.unit && s.monetary) return errorMember('CreatePlanValidationFailed', {}, 'A service in "services" can not specify both "unit" and "monetary".', 'AllowanceAndMonetaryRatesNotAllowed');
      if (s.unit && (s.unit.periodAllowance === null || s.unit.periodAllowance === undefined) && s.unit.overage) {
        return errorMember('CreatePlanValidationFailed', {}, 'If "periodAllowance" is not provided, the plan service is considered unlimited. "overage" is not needed.', 'PlanServiceAllowanceIsUnlimited');
      }
      const fup = s.unit?.fairUsagePolicyCounter;
      if (fup) {
        if (fup.states.length === 0) return errorMember('CreatePlanValidationFailed', {}, 'One or more counter has no states.', 'MissingCounterStates');
        if (new Set(fup.states.map((x) => x.name)).size !== fup.states.length) return errorMember('CreatePlanValidationFailed', {}, 'Two or more counter states in a counter have the same name.', 'DuplicateCounterStateName');
        if (!fup.states.some((x) => x.threshold === null || x.threshold === undefined)) return errorMember('CreatePlanValidationFailed', {}, 'A counter has no default state.', 'MissingDefaultCounterState');
      }
      for (const r of [...(s.monetary?.roaming ?? []), ...(s.monetary?.longDistance ?? [])]) {
        if (!r.origination && !r.termination) return invalidField('services.monetary', 'InvalidExtendedRate', 'In the roaming or long distance one of the inputs (origination or termination) must be provided.');
      }
    }
    const p = input.proratingOptions;
    if (p) {
      if (!p.alignToBillingDoM && p.subscriptionPolicy && p.subscriptionPolicy !== 'NONE') return invalidField('proratingOptions.subscriptionPolicy', 'SubscriptionPolicy', 'subscriptionPolicy needs alignToBillingDoM.');
      if (!p.alignToBillingDoM && p.refundPolicy && p.refundPolicy !== 'NONE') return invalidField('proratingOptions.refundPolicy', 'RefundPolicy', 'refundPolicy needs alignToBillingDoM.');
      if (p.alignToBillingDoM && input.period && (input.period.periodType !== 'MONTH' || input.period.numberOfPeriods !== 1)) {
        return invalidField('proratingOptions.alignToBillingDoM', 'ProratingOptionsSetForNonMonthlyPlan', 'alignToBillingDoM is only allowed for monthly plans.');
      }
    }
    if (input.json !== undefined && !parseJson(input.json).ok) return invalidField('json', 'InvalidJson', 'json must be a JSON string.');
    return undefined;
  }

  function templateOf(input: TemplateInput, base: Record<string, unknown> = {}): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    const set = (key: string, value: unknown) => {
      if (value !== undefined) out[key] = value;
    };
    set('fee', input.fee);
    set('firstUsageFee', input.firstUsageFee);
    set('purchaseFee', input.purchaseFee);
    set('period', input.period);
    set('notificationPeriodsBeforeExpiration', input.notificationPeriodsBeforeExpiration);
    set('notificationCreditLimitThresholds', input.notificationCreditLimitThresholds);
    set('json', input.json);
    set('priority', input.priority);
    set('proratingOptions', input.proratingOptions);
    if (input.renewalGracePeriod !== undefined) out.renewalGracePeriod = input.renewalGracePeriod?.map((d) => (d ? { amount: d.value, unit: d.type } : null)) ?? null;
    if (input.services !== undefined) out.services = input.services?.map((s) => ({ free: null, unit: null, monetary: null, workingHours: null, ...s })) ?? null;
    return out;
  }

  function checkSubscriptionPeriod(from: string | null | undefined, to: string | null | undefined): ErrorMember | undefined {
    if (!validDate(from)) return invalidField('from', 'InvalidDateTime', 'from must be an ISO 8601 date-time.');
    if (!validDate(to)) return invalidField('to', 'InvalidDateTime', 'to must be an ISO 8601 date-time.');
    if (from && to && Date.parse(to) <= Date.parse(from)) return errorMember('SubscribeToPlanVersionValidationFailed', {}, '"to" must be after "from".', 'InvalidSubscriptionPeriod');
    return undefined;
  }

  function checkPlanServiceInput(input: { ruleSets?: G.RuleSetsInput | null; providedFields?: (G.ProvidedFieldInput | null | undefined)[] | null; ratingGroupId?: number | null }, ruleSets: RuleSetsRecord): ErrorMember | undefined {
    for (const id of [...ruleSets.charging, ...ruleSets.crediting, ...ruleSets.recurring]) {
      if (!state.rules.has(id)) return errorMember('RuleNotFound', { providerId, ruleId: id }, `Rule ${id} not found`);
    }
    if (input.ratingGroupId !== undefined && input.ratingGroupId !== null && (!state.ratingGroupIds().has(input.ratingGroupId) || input.ratingGroupId === state.ratingGroups.id)) {
      return invalidField('ratingGroupId', 'InvalidRatingGroup', 'There is no provided rating group ID in the hierarchy or provided rating group ID is the Root.');
    }
    // A plan service may only override fields its rules provide.
    const known = [...ruleSets.charging, ...ruleSets.crediting, ...ruleSets.recurring].flatMap((id) => state.rules.get(id)?.providedFields ?? []);
    for (const f of input.providedFields ?? []) {
      if (f && !known.some((k) => k.name === f.name && k.dataType === f.dataType)) {
        return errorMember('FieldNotFound', { fieldName: f.name, fieldDataType: f.dataType }, `No rule of the plan service provides ${f.name} (${f.dataType})`);
      }
    }
    return undefined;
  }

  const notEditable = (v: PlanVersionRecord, field = 'planVersionId') => invalidField(field, 'PlanVersionNotEditable', `Plan version ${v.id} is ${v.state}; only NEW plan versions can be edited.`);

  function deleteVersion(v: PlanVersionRecord): string[] {
    const services = state.servicesOf(v.id).map((s) => s.id);
    for (const id of services) state.planServices.delete(id);
    state.planVersions.delete(v.id);
    return services;
  }

  // ---- the 62 operations

  const resolvers: Record<string, Resolver> = {
    // Accounts and devices
    getAccount: (args: G.GetAccountQueryVariables) => {
      const a = findAccount(args.accountId);
      return isError(a) ? a : account(a);
    },
    createAccount: ({ input }: G.CreateAccountMutationVariables) => {
      const id = idOf(input.accountId) ?? state.nextId('account');
      if (state.accounts.has(id)) return errorMember('AccountAlreadyExists', { accountId: id }, `Account ${id} already exists`);
      const parentId = idOf(input.parentAccountId) ?? null;
      if (parentId !== null && !state.accounts.has(parentId)) return errorMember('AccountNotFound', { providerId, accountId: parentId }, `Parent account ${parentId} not found`);
      const invalid = checkAccountFields(input);
      if (invalid) return invalid;
      if (!validDate(input.activatedAt)) return invalidField('activatedAt', 'InvalidDateTime', 'activatedAt must be an ISO 8601 date-time.');
      const postpaid = (input.creditLimit ?? 0) > 0;
      if (postpaid && !input.postpaid) return errorMember('PostpaidPropertiesRequired', {}, 'Postpaid properties are required when creditLimit is positive.');
      if (!postpaid && input.postpaid) return errorMember('PostpaidFieldInPrepaidAccount', {}, 'Postpaid properties cannot be set on a prepaid account (creditLimit <= 0).');
      const created = state.addAccount({
        id,
        parentId,
        customData: input.customData ?? null,
        friendsAndFamily: input.friendsAndFamily?.filter((n): n is string => !!n) ?? null,
        creditLimit: input.creditLimit ?? null,
        postpaid: input.postpaid ? { timezone: input.postpaid.timezone, billingDayOfMonth: input.postpaid.billingDayOfMonth, longFirstBillingCycle: input.postpaid.longFirstBillingCycle, lastBillingDate: null } : null,
        activatedAt: input.activatedAt ?? state.iso(),
      });
      edrFor('createAccount', created, { customData: created.customData });
      return { account: account(created) };
    },
    updateAccount: ({ input }: G.UpdateAccountMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      const invalid = checkAccountFields(input);
      if (invalid) return invalid;
      const wasPostpaid = (a.creditLimit ?? 0) > 0;
      if (input.creditLimit !== undefined && input.creditLimit !== null && input.creditLimit > 0 !== wasPostpaid) {
        return errorMember('CannotChangeAccountType', { providerId, accountId: a.id }, 'An account cannot be changed from postpaid to prepaid and vice versa.');
      }
      if (input.postpaid) {
        if (!wasPostpaid) return errorMember('PostpaidFieldInPrepaidAccount', {}, 'Postpaid properties cannot be set on a prepaid account.');
        if (input.postpaid.longFirstBillingCycle) return errorMember('CannotSetLongFirstBillingCycle', { providerId, accountId: a.id }, 'longFirstBillingCycle can only be set when the account is created.');
        const day = input.postpaid.billingDayOfMonth;
        const current = a.postpaid?.billingDayOfMonth;
        if (day !== undefined && day !== null && current !== null && current !== undefined && day !== current) {
          return errorMember('DayOfMonthAlreadySet', { providerId, accountId: a.id, billingDayOfMonth: current }, 'The billing day of month is already set.');
        }
        const pp = (a.postpaid ??= { timezone: null, billingDayOfMonth: null, lastBillingDate: null, longFirstBillingCycle: false });
        if (input.postpaid.timezone !== undefined) pp.timezone = input.postpaid.timezone;
        if (day !== undefined) pp.billingDayOfMonth = day;
        if (input.postpaid.longFirstBillingCycle === false) pp.longFirstBillingCycle = false;
      }
      if (input.customData !== undefined) a.customData = input.customData;
      if (input.friendsAndFamily !== undefined) a.friendsAndFamily = input.friendsAndFamily?.filter((n): n is string => !!n) ?? null;
      if (input.creditLimit !== undefined) a.creditLimit = input.creditLimit;
      edrFor('updateAccount', a, { customData: a.customData });
      return { account: account(a) };
    },
    deleteAccount: ({ input }: G.DeleteAccountMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      if (state.childrenOf(a.id).length > 0 || state.devicesOf(a.id).length > 0) {
        return errorMember('AccountHasReferences', { providerId, accountId: a.id }, `Account ${a.id} still has child accounts or devices`);
      }
      state.accounts.delete(a.id);
      edrFor('deleteAccount', a);
      const parent = a.parentId ? state.accounts.get(a.parentId) : undefined;
      return { deletedAccountId: a.id, parentAccount: parent ? account(parent) : null };
    },
    getDevice: (args: G.GetDeviceQueryVariables) => {
      const d = findDevice(args.deviceId);
      return isError(d) ? d : device(d);
    },
    createDevice: ({ input }: G.CreateDeviceMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      const id = idOf(input.deviceId) ?? state.nextId('device');
      if (state.devices.has(id)) return errorMember('DeviceAlreadyExists', { deviceId: id }, `Device ${id} already exists`);
      if (!parseJson(input.customData).ok) return invalidField('customData', 'InvalidJson', 'customData must be a JSON string.');
      const d = state.addDevice({ id, accountId: a.id, customData: input.customData ?? null });
      state.addEdr({ action: 'createDevice', type: 'DEVICE', accountId: a.id, deviceId: id });
      return { device: device(d) };
    },
    updateDevice: ({ input }: G.UpdateDeviceMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      const d = findDevice(input.deviceId);
      if (isError(d)) return d;
      if (d.accountId !== a.id) return errorMember('DeviceNotFound', { providerId, deviceId: d.id }, `Device ${d.id} is not in account ${a.id}`);
      if (!parseJson(input.customData).ok) return invalidField('customData', 'InvalidJson', 'customData must be a JSON string.');
      if (input.customData !== undefined) d.customData = input.customData;
      state.addEdr({ action: 'updateDevice', type: 'DEVICE', accountId: a.id, deviceId: d.id });
      return { device: device(d) };
    },
    deleteDevice: ({ input }: G.DeleteDeviceMutationVariables) => {
      const d = state.devices.get(String(input.deviceId));
      if (!d || d.accountId !== String(input.accountId)) return errorMember('DeviceNotFound', { providerId, deviceId: String(input.deviceId) }, `Device ${String(input.deviceId)} not found in account ${String(input.accountId)}`);
      state.devices.delete(d.id);
      state.addEdr({ action: 'deleteDevice', type: 'DEVICE', accountId: d.accountId, deviceId: d.id });
      return { deletedDeviceId: d.id, account: account(state.accounts.get(d.accountId)!) };
    },
    getRelatedAccountsByDevice: (args: G.GetRelatedAccountsByDeviceQueryVariables) => {
      const d = findDevice(args.deviceId);
      if (isError(d)) return d;
      const accounts: Record<string, unknown>[] = [];
      for (let a = state.accounts.get(d.accountId); a; a = a.parentId ? state.accounts.get(a.parentId) : undefined) accounts.push(account(a));
      return { providerId, deviceId: d.id, accounts };
    },
    getEventDataRecordsByAccount: (args: G.GetEventDataRecordsByAccountQueryVariables) => {
      const a = findAccount(args.accountId);
      if (isError(a)) return a;
      return { ...connection(filterEdrs((e) => e.accountId === a.id, args.filterBy), args, edr), account: account(a) };
    },
    getEventDataRecordsByDevice: (args: G.GetEventDataRecordsByDeviceQueryVariables) => {
      const d = findDevice(args.deviceId);
      if (isError(d)) return d;
      return { ...connection(filterEdrs((e) => e.deviceId === d.id, args.filterBy), args, edr), device: device(d) };
    },

    // Monetary balance
    creditAccount: ({ input }: G.CreditAccountMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      if (!(input.amount > 0)) return invalidField('amount', 'InvalidPositiveNumber', 'The provided number can be only a positive number.');
      state.changeBalance(a, input.amount);
      state.addEdr({ action: 'credit', type: 'CHARGING', accountId: a.id, eventData: JSON.stringify({ amount: input.amount, balance: a.balance.value }) });
      return { account: account(a) };
    },
    debitAccount: ({ input }: G.DebitAccountMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      if (!(input.amount > 0)) return invalidField('amount', 'InvalidPositiveNumber', 'The provided number can be only a positive number.');
      if (state.available(a) < input.amount) return errorMember('DebitAccountFailed', {}, `Account ${a.id} has insufficient funds`, 'QuotaLimitReached');
      if (input.mode === 'TEST') return { account: account(a), reservationId: null, debitStatus: 'COMMITTED' };
      if (input.mode === 'RESERVE') {
        const ttl = input.reservationInput?.ttl ?? 600;
        if (!(ttl > 0)) return invalidField('reservationInput.ttl', 'InvalidPositiveNumber', 'The provided number can be only a positive number.');
        const reservationId = state.nextId('reservation');
        state.reservations.set(reservationId, { reservationId, accountId: a.id, amount: input.amount, expiresAt: state.now() + ttl * 1000, status: 'RESERVED' });
        return { account: account(a), reservationId, debitStatus: 'RESERVED' };
      }
      state.changeBalance(a, -input.amount);
      state.addEdr({ action: 'charge', type: 'CHARGING', accountId: a.id, eventData: JSON.stringify({ amount: input.amount, balance: a.balance.value }) });
      return { account: account(a), reservationId: null, debitStatus: 'COMMITTED' };
    },
    updateDebit: ({ input }: G.UpdateDebitMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      state.expireReservations();
      const r = state.reservations.get(String(input.reservationId));
      if (!r || r.accountId !== a.id || r.status !== 'RESERVED') {
        return errorMember('DebitReservationNotFound', { providerId, reservationId: String(input.reservationId) }, `No open reservation ${String(input.reservationId)}`);
      }
      if (input.status === 'CONFIRM') {
        r.status = 'COMMITTED';
        state.changeBalance(a, -r.amount);
        state.addEdr({ action: 'charge', type: 'CHARGING', accountId: a.id, eventData: JSON.stringify({ amount: r.amount, reservationId: r.reservationId, balance: a.balance.value }) });
      } else r.status = 'CANCELLED';
      return { account: account(a), reservationId: r.reservationId, debitStatus: r.status };
    },

    // Subscriptions
    subscribeToPlan: ({ input }: G.SubscribeToPlanMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (v.state !== 'AVAILABLE') return errorMember('PlanVersionIsNotAssignable', { providerId, planVersionId: v.id }, `Plan version ${v.id} is ${v.state}, not AVAILABLE`);
      const invalid = checkSubscriptionPeriod(input.from, input.to) ?? checkOverrides(input.overrides);
      if (invalid) return invalid;
      const sub: SubscriptionRecord = { planSubscriptionId: state.nextId('subscription'), planVersionId: v.id, from: input.from ?? state.iso(), to: input.to ?? INDEFINITE, renewal: null, overrides: cleanOverrides(input.overrides), status: 'inactive' };
      a.subscriptions.push(sub);
      edrFor('subscribeToPlan', a, { eventData: JSON.stringify({ planSubscriptionId: sub.planSubscriptionId, planVersionId: v.id }) });
      return { subscribedPlanVersion: subscription(sub), account: account(a) };
    },
    updatePlanSubscription: ({ input }: G.UpdatePlanSubscriptionMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      const sub = a.subscriptions.find((s) => s.planSubscriptionId === String(input.planSubscriptionId) && s.status !== 'archived');
      if (!sub) return errorMember('SubscriptionNotFound', { planSubscriptionId: String(input.planSubscriptionId), planVersionId: idOf(input.planVersionId) ?? '', from: input.from ?? null, to: input.to ?? null }, 'Subscription not found');
      let target: PlanVersionRecord | undefined;
      if (input.planVersionId !== undefined && input.planVersionId !== null) {
        const v = findVersion(input.planVersionId);
        if (isError(v)) return v;
        if (v.state !== 'AVAILABLE') return errorMember('PlanVersionIsNotAssignable', { providerId, planVersionId: v.id }, `Plan version ${v.id} is ${v.state}, not AVAILABLE`);
        target = v;
      }
      const invalid = checkSubscriptionPeriod(input.from ?? sub.from, input.to ?? sub.to) ?? checkOverrides(input.overrides);
      if (invalid) return invalid;
      if (target) sub.planVersionId = target.id;
      if (input.from) sub.from = input.from;
      if (input.to) sub.to = input.to;
      if (input.overrides !== undefined) sub.overrides = cleanOverrides(input.overrides);
      edrFor('updatePlanSubscription', a, { eventData: JSON.stringify({ planSubscriptionId: sub.planSubscriptionId, planVersionId: sub.planVersionId }) });
      return { subscribedPlanVersion: subscription(sub), account: account(a) };
    },
    cancelPlanSubscription: ({ input }: G.CancelPlanSubscriptionMutationVariables) => {
      const a = findAccount(input.accountId);
      if (isError(a)) return a;
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (!validDate(input.from)) return invalidField('from', 'InvalidDateTime', 'from must be an ISO 8601 date-time.');
      if (!validDate(input.to)) return invalidField('to', 'InvalidDateTime', 'to must be an ISO 8601 date-time.');
      let candidates = a.subscriptions.filter((s) => s.status !== 'archived' && s.planVersionId === v.id);
      if (input.planSubscriptionId) candidates = candidates.filter((s) => s.planSubscriptionId === String(input.planSubscriptionId));
      if (input.from) candidates = candidates.filter((s) => Date.parse(s.from) === Date.parse(input.from!));
      if (input.to) candidates = candidates.filter((s) => Date.parse(s.to) === Date.parse(input.to!));
      const sub = candidates[0];
      if (!sub) return errorMember('SubscriptionNotFound', { planSubscriptionId: idOf(input.planSubscriptionId) ?? null, planVersionId: v.id, from: input.from ?? state.iso(), to: input.to ?? null }, 'No matching subscription');
      if (candidates.length > 1) return errorMember('MultipleSubscriptions', { planVersionId: v.id }, 'More than one subscription matches; give planSubscriptionId or from/to');
      sub.status = 'archived';
      edrFor('cancelPlanSubscription', a, { eventData: JSON.stringify({ planSubscriptionId: sub.planSubscriptionId, planVersionId: v.id }) });
      return { account: account(a), planSubscriptionId: sub.planSubscriptionId };
    },

    // Plans
    getPlan: (args: G.GetPlanQueryVariables) => {
      const p = findPlan(args.planId);
      return isError(p) ? p : plan(p);
    },
    getPlans: (args: G.GetPlansQueryVariables) => {
      const list = [...state.plans.values()];
      const order = args.orderBy;
      if (order) {
        const latest = (p: PlanRecord) => state.versionsOf(p.id).at(-1);
        const key = (p: PlanRecord): string | number => {
          const v = latest(p);
          switch (order.field) {
            case 'PLAN_NAME':
              return p.name;
            case 'PLAN_STATUS':
              return v?.state ?? '';
            case 'LAST_MODIFICATION_DATE':
              return v?.modifiedAt ?? '';
            case 'TOTAL_PROVISIONED_SUBS':
              return state.versionsOf(p.id).reduce((n, x) => n + state.refCount(x.id), 0);
            case 'PURCHASE_FEE':
              return Number(v?.template?.purchaseFee ?? 0);
            case 'RENEWAL_FEE':
              return Number(v?.template?.fee ?? 0);
            default:
              return v?.priority ?? 0;
          }
        };
        list.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return order.direction === 'DESC' ? -c : c;
        });
      }
      return connection(list, args, plan);
    },
    createPlan: ({ input }: G.CreatePlanMutationVariables, ctx) => {
      const id = idOf(input.id) ?? state.nextId('plan');
      if (state.plans.has(id)) return errorMember('PlanAlreadyExists', { planId: id }, `Plan ${id} already exists`);
      if (input.name.trim() === '') return invalidField('name', 'InvalidName', 'The plan name must not be empty.');
      const copies: PlanServiceRecord[] = [];
      for (const sid of input.planServices ?? []) {
        const s = findService(sid);
        if (isError(s)) return s;
        copies.push(s);
      }
      const invalid = checkCounters(input.counters);
      if (invalid) return invalid;
      const p: PlanRecord = { id, name: input.name, readOnly: false };
      state.plans.set(id, p);
      const v = state.addPlanVersion(id, { version: input.version, priority: input.priority ?? null, counters: input.counters?.map((c) => ({ persistent: false, period: null, selector: null, notificationFields: null, ...c })) ?? null }, by(ctx));
      for (const s of copies) state.addPlanService({ ...structuredClone(s), id: undefined, planVersionId: v.id });
      return { plan: plan(p) };
    },
    createPlanFromInitialTemplate: ({ input }: G.CreatePlanFromInitialTemplateMutationVariables, ctx) => {
      const id = idOf(input.planId) ?? state.nextId('plan');
      if (state.plans.has(id)) return errorMember('PlanAlreadyExists', { planId: id }, `Plan ${id} already exists`);
      if (input.name.trim() === '') return invalidField('name', 'InvalidName', 'The plan name must not be empty.');
      const invalid = checkTemplate(input);
      if (invalid) return invalid;
      const p: PlanRecord = { id, name: input.name, readOnly: false };
      state.plans.set(id, p);
      state.addPlanVersion(id, { version: input.version, priority: input.priority ?? null, template: templateOf(input) }, by(ctx));
      return { plan: plan(p) };
    },
    updatePlan: ({ input }: G.UpdatePlanMutationVariables) => {
      const p = findPlan(input.planId);
      if (isError(p)) return p;
      if (input.name !== undefined && input.name !== null) {
        if (input.name.trim() === '') return invalidField('name', 'InvalidName', 'The plan name must not be empty.');
        p.name = input.name;
      }
      return { plan: plan(p) };
    },
    deletePlan: ({ input }: G.DeletePlanMutationVariables) => {
      const p = findPlan(input.planId);
      if (isError(p)) return p;
      const versions = state.versionsOf(p.id);
      const referenced = versions.find((v) => state.refCount(v.id) > 0);
      if (referenced) return errorMember('PlanVersionHasReferences', { planVersion: planVersion(referenced) }, `Plan version ${referenced.id} has subscribers`);
      if (p.readOnly || versions.some((v) => v.deployedAt !== null)) return errorMember('PlanIsReadOnly', { providerId, planId: p.id }, `Plan ${p.id} is read-only (deployed or the initial plan)`);
      const deletedPlanServices = versions.flatMap(deleteVersion);
      state.plans.delete(p.id);
      return { deletedPlanId: p.id, deletedPlanVersions: versions.map((v) => v.id), deletedPlanServices };
    },
    copyPlan: (args: G.CopyPlanMutationVariables, ctx) => {
      const v = findVersion(args.from.planVersionId);
      if (isError(v)) return v;
      if (args.to.name.trim() === '') return invalidField('to.name', 'InvalidName', 'The plan name must not be empty.');
      const p: PlanRecord = { id: state.nextId('plan'), name: args.to.name, readOnly: false };
      state.plans.set(p.id, p);
      const copy = state.addPlanVersion(p.id, { version: v.version, basedOnId: v.id, template: v.template ? structuredClone(v.template) : null, counters: v.counters ? structuredClone(v.counters) : null, priority: v.priority }, by(ctx));
      for (const s of state.servicesOf(v.id)) state.addPlanService({ ...structuredClone(s), id: undefined, planVersionId: copy.id });
      return { plan: plan(p) };
    },
    getPlanVersion: (args: G.GetPlanVersionQueryVariables) => {
      const v = findVersion(args.planVersionId);
      return isError(v) ? v : planVersion(v);
    },
    createPlanVersionFromInitialTemplate: ({ input }: G.CreatePlanVersionFromInitialTemplateMutationVariables, ctx) => {
      const base = findVersion(input.planVersionId);
      if (isError(base)) return base;
      if (!base.template) return invalidField('planVersionId', 'NotCreatedFromTemplate', `Plan version ${base.id} was not created from the initial template`);
      const clash = state.versionsOf(base.planId).find((x) => x.version === input.version);
      if (clash) return errorMember('PlanVersionAlreadyExists', { plan: plan(state.plans.get(base.planId)!), planVersion: planVersion(clash) }, `Version ${input.version} already exists`);
      const invalid = checkTemplate(input);
      if (invalid) return invalid;
      const v = state.addPlanVersion(base.planId, { version: input.version, basedOnId: base.id, priority: input.priority ?? base.priority, template: templateOf(input, base.template) }, by(ctx));
      return { planVersion: planVersion(v) };
    },
    updatePlanVersionFromInitialTemplate: ({ input }: G.UpdatePlanVersionFromInitialTemplateMutationVariables, ctx) => {
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (state.updatesInProgress.has(v.id)) return errorMember('PlanVersionUpdateAlreadyInProgress', { providerId, planVersionId: v.id }, `An update of plan version ${v.id} is in progress`);
      if (v.state !== 'NEW') return errorMember('PlanVersionIsReadOnly', { planVersion: planVersion(v) }, `Plan version ${v.id} is ${v.state}`);
      if (!v.template) return invalidField('planVersionId', 'NotCreatedFromTemplate', `Plan version ${v.id} was not created from the initial template`);
      if (input.version && input.version !== v.version) {
        const clash = state.versionsOf(v.planId).find((x) => x.version === input.version);
        if (clash) return errorMember('PlanVersionAlreadyExists', { plan: plan(state.plans.get(v.planId)!), planVersion: planVersion(clash) }, `Version ${input.version} already exists`);
      }
      const invalid = checkTemplate(input);
      if (invalid) return invalid;
      if (input.version) v.version = input.version;
      if (input.priority !== undefined) v.priority = input.priority ?? null;
      v.template = templateOf(input, v.template);
      touch(v, ctx);
      return { planVersion: planVersion(v) };
    },
    deletePlanVersion: ({ input }: G.DeletePlanVersionMutationVariables) => {
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (v.deployedAt !== null) return errorMember('PlanVersionHasReferences', { planVersion: planVersion(v) }, `Plan version ${v.id} was deployed`);
      deleteVersion(v);
      return { deletedPlanVersionId: v.id, plan: plan(state.plans.get(v.planId)!) };
    },
    deployPlan: ({ input }: G.DeployPlanMutationVariables, ctx) => {
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (v.state !== 'NEW') return wrongTransition(v, 'DEPLOYED');
      const sources: PlanVersionRecord[] = [];
      for (const id of input.migrateFromVersions ?? []) {
        const s = findVersion(id);
        if (isError(s)) return s;
        sources.push(s);
      }
      const busy = [v, ...sources].find((x) => state.migrationsInProgress.has(x.id));
      if (busy) return errorMember('MigrationAlreadyInProgress', { providerId, planVersionId: busy.id }, `A migration of plan version ${busy.id} is in progress`);
      if (state.servicesOf(v.id).length === 0 && !v.template?.services) {
        return errorMember('DeploymentVerificationFailed', { providerId, planVersionId: v.id }, 'A plan version needs at least one plan service (or template service) to be deployed', 'EmptyPlanVersion');
      }
      v.state = 'DEPLOYED';
      v.deployedAt = state.iso();
      v.deployedBy = by(ctx);
      touch(v, ctx);
      for (const a of state.accounts.values()) {
        for (const s of a.subscriptions) {
          if (s.status !== 'archived' && sources.some((x) => x.id === s.planVersionId)) {
            edrFor('migratePlanSubscription', a, { eventData: JSON.stringify({ planSubscriptionId: s.planSubscriptionId, from: s.planVersionId, to: v.id }) });
            s.planVersionId = v.id;
          }
        }
      }
      return { planVersion: planVersion(v) };
    },
    makePlanAssignable: ({ input }: G.MakePlanAssignableMutationVariables, ctx) => {
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (v.state !== 'DEPLOYED' && v.state !== 'SUSPENDED') return wrongTransition(v, 'AVAILABLE');
      v.state = 'AVAILABLE';
      touch(v, ctx);
      return { planVersion: planVersion(v) };
    },
    makePlanNotAssignable: ({ input }: G.MakePlanNotAssignableMutationVariables, ctx) => {
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (v.state !== 'AVAILABLE' && v.state !== 'DEPLOYED') return wrongTransition(v, 'SUSPENDED');
      v.state = 'SUSPENDED';
      touch(v, ctx);
      return { planVersion: planVersion(v) };
    },
    archivePlanVersion: ({ input }: G.ArchivePlanVersionMutationVariables, ctx) => {
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (v.state !== 'SUSPENDED' || state.refCount(v.id) > 0) return wrongTransition(v, 'ARCHIVED');
      v.state = 'ARCHIVED';
      touch(v, ctx);
      return { archivedPlanVersion: planVersion(v) };
    },

    // Plan services and rules
    getPlanServices: (args: G.GetPlanServicesQueryVariables) => connection([...state.planServices.values()], args, planService),
    getRules: (args: G.GetRulesQueryVariables) => connection([...state.rules.values()], args, rule),
    createPlanService: ({ input }: G.CreatePlanServiceMutationVariables) => {
      const v = findVersion(input.planVersionId);
      if (isError(v)) return v;
      if (v.state !== 'NEW') return notEditable(v);
      const ruleSets = ruleSetsOf(input.ruleSets);
      const invalid = checkPlanServiceInput(input, ruleSets);
      if (invalid) return invalid;
      const s = state.addPlanService({ planVersionId: v.id, name: input.name, ruleSets, providedFields: cleanFields(input.providedFields), ratingGroupId: input.ratingGroupId, balanceName: input.balanceName ?? null, priority: input.priority ?? null });
      return { planVersion: planVersion(v), planService: planService(s) };
    },
    updatePlanService: ({ input }: G.UpdatePlanServiceMutationVariables, ctx) => {
      const s = findService(input.planServiceId);
      if (isError(s)) return s;
      const v = state.planVersions.get(s.planVersionId)!;
      if (v.state !== 'NEW') return errorMember('PlanServiceIsReadOnly', { providerId, planServiceId: s.id }, `Plan version ${v.id} is ${v.state}; its services cannot change`);
      const ruleSets = input.ruleSets ? ruleSetsOf(input.ruleSets) : s.ruleSets;
      if (input.name !== undefined && input.name !== null && input.name.trim() === '') return invalidField('name', 'InvalidName', 'The plan service name must not be empty.');
      const invalid = checkPlanServiceInput(input, ruleSets);
      if (invalid) return invalid;
      if (input.name) s.name = input.name;
      s.ruleSets = ruleSets;
      if (input.providedFields !== undefined) s.providedFields = cleanFields(input.providedFields);
      if (input.ratingGroupId !== undefined && input.ratingGroupId !== null) s.ratingGroupId = input.ratingGroupId;
      if (input.balanceName !== undefined) s.balanceName = input.balanceName ?? null;
      if (input.priority !== undefined) s.priority = input.priority ?? null;
      touch(v, ctx);
      return { planVersion: planVersion(v), planService: planService(s) };
    },
    deletePlanService: ({ input }: G.DeletePlanServiceMutationVariables) => {
      const s = findService(input.planServiceId);
      if (isError(s)) return s;
      const v = state.planVersions.get(s.planVersionId)!;
      if (v.state !== 'NEW') return errorMember('PlanVersionHasReferences', { planVersion: planVersion(v) }, `Plan version ${v.id} is ${v.state}; its services cannot be deleted`);
      state.planServices.delete(s.id);
      return { deletedPlanServiceId: s.id, planVersion: planVersion(v) };
    },
    copyPlanService: (args: G.CopyPlanServiceMutationVariables) => {
      const s = findService(args.from.planServiceId);
      if (isError(s)) return s;
      const v = findVersion(args.to.planVersionId);
      if (isError(v)) return v;
      if (v.state !== 'NEW') return notEditable(v, 'to.planVersionId');
      if (args.to.name !== undefined && args.to.name !== null && args.to.name.trim() === '') return invalidField('to.name', 'InvalidName', 'The plan service name must not be empty.');
      const copy = state.addPlanService({ ...structuredClone(s), id: undefined, planVersionId: v.id, name: args.to.name ?? s.name });
      return { planService: planService(copy), planVersion: planVersion(v) };
    },

    // Field mappings
    getFieldMappings: (args: G.GetFieldMappingsQueryVariables) => connection([...state.fieldMappings.values()], args, fieldMapping),
    getDeployedFieldMappings: (args: G.GetDeployedFieldMappingsQueryVariables) => connection([...state.deployedFieldMappings].sort((a, b) => Date.parse(a.from) - Date.parse(b.from)), args, deployed),
    createFieldMapping: ({ input }: G.CreateFieldMappingMutationVariables) => {
      const invalid = checkMapping(input);
      if (invalid) return invalid;
      if (state.fieldMappings.has(input.path)) return errorMember('FieldMappingAlreadyExists', { path: input.path }, `Field mapping ${input.path} already exists`);
      const m = { path: input.path, expr: input.expr };
      state.fieldMappings.set(m.path, m);
      return { fieldMapping: fieldMapping(m) };
    },
    updateFieldMapping: ({ input }: G.UpdateFieldMappingMutationVariables) => {
      const m = state.fieldMappings.get(input.path);
      if (!m) return errorMember('FieldMappingNotFound', { providerId, path: input.path }, `Field mapping ${input.path} not found`);
      const invalid = checkMapping(input);
      if (invalid) return invalid;
      m.expr = input.expr;
      return { fieldMapping: fieldMapping(m) };
    },
    deleteFieldMapping: ({ input }: G.DeleteFieldMappingMutationVariables) => {
      const path = String(input.path);
      const m = state.fieldMappings.get(path);
      if (!m) return errorMember('FieldMappingNotFound', { providerId, path }, `Field mapping ${path} not found`);
      // Another draft mapping whose expression reads this path keeps it alive.
      const user = [...state.fieldMappings.values()].find((x) => x.path !== path && x.expr.includes(path));
      if (user) return errorMember('FieldMappingHasReferences', { fieldMapping: fieldMapping(m) }, `Field mapping ${user.path} refers to ${path}`);
      state.fieldMappings.delete(path);
      return { deletedPath: path };
    },
    deployFieldMappings: ({ input }: G.DeployFieldMappingsMutationVariables) => {
      if (!validDate(input.from)) return invalidField('from', 'InvalidDateTime', 'from must be an ISO 8601 date-time.');
      let mappings: FieldMappingRecord[];
      if (input.paths) {
        // Only the listed paths change; other deployed mappings stay.
        const current = new Map((state.deployedFieldMappings.at(-1)?.fieldMappings ?? []).map((m) => [m.path, m]));
        for (const path of input.paths) {
          const m = state.fieldMappings.get(path);
          if (!m) return errorMember('FieldMappingNotFound', { providerId, path }, `Field mapping ${path} is not in the draft`);
          current.set(path, { ...m });
        }
        mappings = [...current.values()];
      } else mappings = [...state.fieldMappings.values()].map((m) => ({ ...m }));
      const record = { from: input.from ?? state.iso(), fieldMappings: mappings };
      state.deployedFieldMappings.push(record);
      return { deployedFieldMapping: deployed(record) };
    },

    // Users
    getCurrentUser: (_args: unknown, ctx) => (ctx.user ? user(ctx.user) : null),
    getUser: ({ getUserInput }: G.GetUserQueryVariables) => {
      const u = findUser(getUserInput.userId);
      return isError(u) ? u : user(u);
    },
    listUsers: (args: G.ListUsersQueryVariables) =>
      connection([...state.users.values()], args, (u) => ({ providerId, userId: u.userId, email: u.email, name: u.name, phoneNumber: u.phoneNumber, jobTitle: u.jobTitle })),
    createUser: ({ input }: G.CreateUserMutationVariables) => {
      const invalid = checkUser(input);
      if (invalid) return invalid;
      if ([...state.users.values()].some((u) => u.email.toLowerCase() === input.email.toLowerCase())) return errorMember('UserAlreadyExists', { email: input.email }, `A user with e-mail ${input.email} already exists`);
      const u = state.addUser({ email: input.email, name: input.name, roleGroupMemberships: [...input.roleGroupMemberships], phoneNumber: input.phoneNumber ?? null, jobTitle: input.jobTitle ?? null, status: 'FORCE_CHANGE_PASSWORD' });
      return user(u);
    },
    updateUser: ({ input }: G.UpdateUserMutationVariables, ctx) => {
      const u = findUser(input.userId);
      if (isError(u)) return u;
      if (ctx.user?.userId === u.userId) return errorMember('UserIsReadOnly', {}, 'Use updateUserProfile to change your own user');
      const invalid = checkUser(input);
      if (invalid) return invalid;
      Object.assign(u, { email: input.email, name: input.name, roleGroupMemberships: [...input.roleGroupMemberships], phoneNumber: input.phoneNumber ?? null, jobTitle: input.jobTitle ?? null });
      return user(u);
    },
    deleteUser: ({ input }: G.DeleteUserMutationVariables, ctx) => {
      const u = findUser(input.userId);
      if (isError(u)) return u;
      if (ctx.user?.userId === u.userId) return errorMember('UserIsReadOnly', {}, 'You cannot delete your own user');
      state.users.delete(u.userId);
      return { providerId, userId: u.userId };
    },
    resetUserPassword: ({ input }: G.ResetUserPasswordMutationVariables) => {
      const u = findUser(input.userId);
      if (isError(u)) return u;
      if (u.status !== 'CONFIRMED' && u.status !== 'RESET_REQUIRED') return errorMember('UserIncorrectStatus', { providerId, userId: u.userId, state: u.status }, `The password of a ${u.status} user cannot be reset`);
      u.status = 'RESET_REQUIRED';
      return { providerId, userId: u.userId };
    },
    updateUserProfile: ({ input }: G.UpdateUserProfileMutationVariables, ctx) => {
      if (input.name.length < 2 || input.name.length > 75) return invalidField('name', 'InvalidName', 'The name of the user should be between 2 and 75 characters.');
      if (input.phoneNumber && !E164.test(input.phoneNumber)) return invalidField('phoneNumber', 'InvalidPhoneNumber', 'The phone number must be in E.164 format.');
      const u = ctx.user;
      if (!u) throw new GraphQLError('No current user');
      Object.assign(u, { name: input.name, phoneNumber: input.phoneNumber ?? null, jobTitle: input.jobTitle ?? null });
      return user(u);
    },

    // Provider configuration
    getMyProviderConfig: () => providerConfig(),
    updateMyProviderConfig: ({ input }: G.UpdateMyProviderConfigMutationVariables) => {
      if (input.name !== undefined && input.name !== null && input.name.trim() === '') return invalidField('name', 'InvalidName', 'name must not be empty.');
      if (input.commonName !== undefined && input.commonName !== null && input.commonName.trim() === '') return invalidField('commonName', 'InvalidName', 'commonName must not be empty.');
      if (input.emergencyNumbers?.some((n) => !n || !/^\d{2,6}$/.test(n))) return invalidField('emergencyNumbers', 'InvalidEmergencyNumber', 'Emergency numbers are 2 to 6 digits.');
      const c = state.providerConfig;
      if (input.name) c.name = input.name;
      if (input.commonName) c.commonName = input.commonName;
      if (input.homeNetworks !== undefined) c.homeNetworks = input.homeNetworks ?? null;
      if (input.emergencyNumbers !== undefined) c.emergencyNumbers = input.emergencyNumbers?.filter((n): n is string => !!n) ?? null;
      return providerConfig();
    },
    getMyRestoreJobs: ({ getMyRestoreJobsInput: input }: G.GetMyRestoreJobsQueryVariables) => {
      if (!validDate(input.from)) return invalidField('from', 'InvalidDateTime', 'from must be an ISO 8601 date-time.');
      if (!validDate(input.to)) return invalidField('to', 'InvalidDateTime', 'to must be an ISO 8601 date-time.');
      if (input.from && input.to && Date.parse(input.from) > Date.parse(input.to)) return invalidField('from', 'InvalidDateRange', 'from must not be after to.');
      const jobs = state.restoreJobs.filter(
        (j) => (!input.jobId || j.id === String(input.jobId)) && (!input.from || Date.parse(j.timestamp) >= Date.parse(input.from)) && (!input.to || Date.parse(j.timestamp) < Date.parse(input.to)),
      );
      return { jobs: jobs.map((j) => ({ ...j, providerId })) };
    },
    getSettings: () => ({ providerId, json: state.settings }),
    updateSettings: ({ input }: G.UpdateSettingsMutationVariables) => {
      if (!parseJson(input.json).ok) throw new GraphQLError('Variable "input.json" is not a valid AWSJSON value', { extensions: { errorType: 'ValidationError' } });
      state.settings = input.json ?? null;
      return { settings: { providerId, json: state.settings } };
    },
    getSGSNTable: () => ({ rows: state.sgsnTable.map((r) => ({ ...r })) }),
    updateSGSNTable: ({ input }: G.UpdateSGSNTableMutationVariables) => {
      const rows = input.sgsnTable.rows.filter((r): r is G.SGSNTableItemInput => !!r);
      for (const [i, r] of rows.entries()) {
        if (!/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(r.sgsnIPCIDR)) return invalidField(`sgsnTable.rows.${i}.sgsnIPCIDR`, 'InvalidCIDR', `${r.sgsnIPCIDR} is not an IPv4 CIDR block`);
        if (!/^\d{1,3}$/.test(r.countryCode)) return invalidField(`sgsnTable.rows.${i}.countryCode`, 'InvalidCountryCode', `${r.countryCode} is not a country calling code`);
      }
      state.sgsnTable = rows.map((r) => ({ sgsnIPCIDR: r.sgsnIPCIDR, countryCode: r.countryCode }));
      return { sgsnTable: { rows: state.sgsnTable.map((r) => ({ ...r })) } };
    },
    updateArchivingPolicy: ({ input }: G.UpdateArchivingPolicyMutationVariables) => {
      if (input.archiveThreshold < 1 || input.archiveThreshold > 3650) {
        return errorMember('UpdateArchivingPolicyFailed', { providerId, archiveThreshold: input.archiveThreshold }, 'archiveThreshold must be between 1 and 3650 days');
      }
      const old = state.archiveThreshold;
      state.archiveThreshold = input.archiveThreshold;
      return { providerId, oldArchiveThreshold: old, newArchiveThreshold: input.archiveThreshold };
    },
    getRatingGroupHierarchy: () => ratingGroup(state.ratingGroups),
    updateRatingGroupHierarchy: ({ input }: G.UpdateRatingGroupHierarchyMutationVariables) => {
      const root = toRatingGroup(input.root, true);
      const ids: number[] = [];
      const walk = (g: RatingGroupRecord) => {
        ids.push(g.id);
        g.children.forEach(walk);
      };
      walk(root);
      if (new Set(ids).size !== ids.length) return errorMember('RatingGroupValidationFailed', { root: ratingGroup(root) }, 'Rating group IDs must be unique');
      const bad = ids.find((id) => !Number.isInteger(id) || id < 0);
      if (bad !== undefined) return invalidField('root.id', 'InvalidRatingGroup', `Rating group ID ${bad} is not valid`);
      // Rating groups still used by plan services cannot disappear.
      const kept = new Set(ids);
      const missing = [...new Set([...state.planServices.values()].map((s) => s.ratingGroupId))].filter((id) => !kept.has(id));
      if (missing.length) {
        const old: RatingGroupRecord[] = [];
        const collect = (g: RatingGroupRecord) => {
          if (missing.includes(g.id)) old.push(g);
          g.children.forEach(collect);
        };
        collect(state.ratingGroups);
        return errorMember('RatingGroupHierarchyHasReferences', { ratingGroup: old.map((g) => ratingGroup({ ...g, children: [] })) }, `Rating groups ${missing.join(', ')} are used by plan services`);
      }
      state.ratingGroups = root;
      return { root: ratingGroup(root) };
    },
  };

  function filterEdrs(match: (e: EdrRecord) => boolean, filter: G.EventDataRecordFilter | null | undefined): EdrRecord[] {
    return state.edrs.filter((e) => {
      if (!match(e)) return false;
      if (filter?.types?.length && !filter.types.includes(e.type)) return false;
      if (filter?.from && Date.parse(e.createdAt) < Date.parse(filter.from)) return false;
      if (filter?.to && Date.parse(e.createdAt) >= Date.parse(filter.to)) return false;
      return true;
    });
  }

  function checkOverrides(overrides: (G.KeyValueInput | null | undefined)[] | null | undefined): ErrorMember | undefined {
    if (overrides?.some((o) => o && o.name.trim() === '')) return invalidField('overrides.name', 'InvalidOverrideName', 'Override names must not be empty.');
    return undefined;
  }

  function cleanOverrides(overrides: (G.KeyValueInput | null | undefined)[] | null | undefined): { name: string; value: string }[] {
    return (overrides ?? []).filter((o): o is G.KeyValueInput => !!o).map((o) => ({ name: o.name, value: o.value ?? '' }));
  }

  function ruleSetsOf(input: G.RuleSetsInput): RuleSetsRecord {
    return { charging: (input.charging ?? []).map(String), crediting: (input.crediting ?? []).map(String), recurring: (input.recurring ?? []).map(String) };
  }

  function cleanFields(fields: (G.ProvidedFieldInput | null | undefined)[] | null | undefined): ProvidedFieldRecord[] {
    return (fields ?? []).filter((f): f is G.ProvidedFieldInput => !!f).map((f) => ({ name: f.name, dataType: f.dataType, value: f.value ?? null, customData: null }));
  }

  function checkMapping(input: { path: string; expr: string }): ErrorMember | undefined {
    if (!PATH.test(input.path)) return invalidField('path', 'InvalidFieldMappingPath', 'The provided field mapping path cannot be compiled.');
    if (!balancedExpression(input.expr)) return invalidField('expr', 'InvalidFieldMappingExpression', 'The provided field mapping SpEL expression cannot be compiled.');
    return undefined;
  }

  function checkUser(input: { email: string; name: string; phoneNumber?: string | null; roleGroupMemberships: readonly string[] }): ErrorMember | undefined {
    if (!EMAIL.test(input.email)) return invalidField('email', 'InvalidEmail', 'The e-mail address is not valid.');
    if (input.name.length < 2 || input.name.length > 75) return invalidField('name', 'InvalidName', 'The name of the user should be between 2 and 75 characters.');
    if (input.phoneNumber && !E164.test(input.phoneNumber)) return invalidField('phoneNumber', 'InvalidPhoneNumber', 'The phone number must be in E.164 format.');
    if (input.roleGroupMemberships.length === 0) return invalidField('roleGroupMemberships', 'InvalidRoleGroupMemberships', 'A user needs at least one role group.');
    return undefined;
  }

  function toRatingGroup(input: G.RatingGroupInput, root = false): RatingGroupRecord {
    return {
      id: input.id,
      name: input.name,
      perUnitRounding: input.perUnitRounding ?? null,
      minReservation: input.minReservation ?? null,
      maxReservation: input.maxReservation ?? null,
      unitType: input.unitType ?? 'SERVICE_SPECIFIC_UNITS',
      quotaValidityTime: input.quotaValidityTime ?? null,
      quotaHoldingTime: input.quotaHoldingTime ?? null,
      isDefault: root,
      children: (input.children ?? []).filter((c): c is G.RatingGroupInput => !!c).map((c) => toRatingGroup(c)),
    };
  }

  return resolvers;
}
