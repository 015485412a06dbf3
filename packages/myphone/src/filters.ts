/**
 * Typed filters and sorts for the list queries. The reference says a filter/sort `field` is "one of the
 * fields by which you want to filter/sort from query", so the allowed names are the scalar fields of
 * each list's item type, derived from the generated types (a wrong name does not compile). The same
 * names are kept as runtime lists, checked against the types below, for callers without TypeScript.
 */
import { ValidationError, type Validators } from '@sdk/core';
import { FILTER_COMPARATORS, FILTER_OPERATORS, SORT_ORDERS } from './constants.js';
import type {
  DidRentDeductionsQuery,
  DidServiceDidForRentMultitelQuery,
  DidServiceDidsQuery,
  FilterComparator,
  FilterOperator,
  SimcardsQuery,
  SortOrder,
  TariffsQuery,
} from './generated/graphql.js';

/** One item of `simcards` (what the `Simcards` operation selects). */
export type SimcardItem = SimcardsQuery['simcards']['items'][number];
/** One item of `tariffs`. */
export type TariffItem = TariffsQuery['tariffs']['items'][number];
/** One item of `didService.dids`. */
export type DidItem = DidServiceDidsQuery['didService']['dids']['items'][number];
/** One item of `didService.didForRent.multitel` (no filter/sort). */
export type DidForRentItem = DidServiceDidForRentMultitelQuery['didService']['didForRent']['multitel'][number];
/** One item of `didRentDeductions`. */
export type DidRentDeductionItem = DidRentDeductionsQuery['didRentDeductions']['items'][number];

/** Names of the scalar (non-object, non-list) fields of T: what a filter or sort may name. */
export type ScalarField<T> = { [K in keyof T & string]-?: NonNullable<T[K]> extends object ? never : K }[keyof T & string];

/**
 * The comparators a field of value type V accepts, with the value each one takes. Ordering comparators
 * are not offered on booleans, text comparators only on strings. `NULL` takes `true` (is null, the
 * default) or `false` (is not null): Inferred, the reference does not say.
 */
export type FilterCondition<V> =
  | { comparator: 'EQ' | 'NEQ'; value: V | null }
  | { comparator: 'IN' | 'NIN'; value: readonly V[] }
  | { comparator: 'NULL'; value?: boolean | undefined }
  | ([V] extends [boolean] ? never : { comparator: 'LT' | 'LTE' | 'GT' | 'GTE'; value: V })
  | ([V] extends [string] ? { comparator: 'CONTAINS' | 'STARTS_WITH' | 'ENDS_WITH'; value: string } : never);

/**
 * One filter on a list of T. `operator` says how this condition joins the ones before it (AND when
 * omitted; Inferred, see the README).
 */
export type FilterOn<T> = {
  [K in ScalarField<T>]: { field: K; operator?: FilterOperator | undefined } & FilterCondition<NonNullable<T[K]>>;
}[ScalarField<T>];

/** One sort key on a list of T. */
export interface SortOn<T> {
  field: ScalarField<T>;
  order?: SortOrder | undefined;
}

/** A filter argument: a list of conditions (or one, which GraphQL coerces to a list). */
export type FilterArg<T> = FilterOn<T> | readonly FilterOn<T>[];
export type SortArg<T> = SortOn<T> | readonly SortOn<T>[];

export type SimcardFilter = FilterOn<SimcardItem>;
export type SimcardSort = SortOn<SimcardItem>;
export type TariffFilter = FilterOn<TariffItem>;
export type DidFilter = FilterOn<DidItem>;
export type DidSort = SortOn<DidItem>;
export type DidRentDeductionFilter = FilterOn<DidRentDeductionItem>;

type ComparatorOf<T, K extends ScalarField<T>> = FilterCondition<NonNullable<T[K]>>['comparator'];
type ValueFor<M, C> = M extends { comparator: infer MC; value?: infer V } ? (C extends MC ? V : never) : never;
type ValueArgs<T, K extends ScalarField<T>, C> = C extends 'NULL' ? [value?: boolean] : [value: ValueFor<FilterCondition<NonNullable<T[K]>>, C>];

/**
 * `F` is the union of the field names spelled out (not `ScalarField<T>`), so a wrong name's type error lists
 * the allowed fields: `'nope'` is not assignable to `"id" | "iccidPlastic" | …`.
 */
export interface FilterBuilder<T, F extends ScalarField<T> = ScalarField<T>> {
  /** A condition joined with AND (same as `and`). */
  where<K extends F, C extends ComparatorOf<T, K>>(field: K, comparator: C, ...value: ValueArgs<T, K, C>): FilterOn<T>;
  and<K extends F, C extends ComparatorOf<T, K>>(field: K, comparator: C, ...value: ValueArgs<T, K, C>): FilterOn<T>;
  /** A condition joined to the ones before it with OR. */
  or<K extends F, C extends ComparatorOf<T, K>>(field: K, comparator: C, ...value: ValueArgs<T, K, C>): FilterOn<T>;
}

/** Typed condition builders for any item type: `filterOn<SimcardItem>().where('isBlocked', 'EQ', false)`. */
export function filterOn<T, F extends ScalarField<T> = ScalarField<T>>(): FilterBuilder<T, F> {
  const make =
    (operator: FilterOperator) =>
    (field: string, comparator: FilterComparator, ...rest: unknown[]): FilterOn<T> =>
      (rest.length > 0 ? { field, comparator, value: rest[0], operator } : { field, comparator, operator }) as unknown as FilterOn<T>;
  return { where: make('AND'), and: make('AND'), or: make('OR') } as unknown as FilterBuilder<T, F>;
}

// ---------------------------------------------------------------- runtime lists

export const SIMCARD_FIELDS = ['id', 'iccidPlastic', 'simId', 'isBlocked', 'allowFreeCallerIdChange', 'allowFreeVoiceSubstitution', 'profile', 'description', 'latestActivity', 'tariffExpiresAt', 'isArchived'] as const;
export const TARIFF_FIELDS = ['id', 'name', 'tariffType', 'isArchived', 'callOutgoingRateAmount', 'callIncomingRateAmount', 'dataRateAmount', 'duration'] as const;
export const DID_FIELDS = ['id', 'msisdn', 'state', 'rentedAt', 'attachedAt', 'isSmsEnabled'] as const;
export const DID_RENT_DEDUCTION_FIELDS = ['id', 'type', 'value', 'performedAt', 'comment', 'oldValue', 'newValue'] as const;

/** Builders per list: `const { where, or } = filters.simcards`. */
export const filters = {
  simcards: filterOn<SimcardItem, (typeof SIMCARD_FIELDS)[number]>(),
  tariffs: filterOn<TariffItem, (typeof TARIFF_FIELDS)[number]>(),
  dids: filterOn<DidItem, (typeof DID_FIELDS)[number]>(),
  didRentDeductions: filterOn<DidRentDeductionItem, (typeof DID_RENT_DEDUCTION_FIELDS)[number]>(),
};

/** The JSON type a filter value on each field must have (enums and dates are strings). */
type KindOf<V> = [V] extends [boolean] ? 'boolean' : [V] extends [number] ? 'number' : 'string';
type FieldKinds<T> = { readonly [K in ScalarField<T>]: KindOf<NonNullable<T[K]>> };
export type FieldKind = 'string' | 'number' | 'boolean';

// `satisfies` proves each kind against the generated item types (a missing, extra or wrong entry fails to compile).
const SIMCARD_FIELD_KINDS = {
  id: 'string', iccidPlastic: 'string', simId: 'string', isBlocked: 'boolean', allowFreeCallerIdChange: 'boolean', allowFreeVoiceSubstitution: 'boolean',
  profile: 'string', description: 'string', latestActivity: 'string', tariffExpiresAt: 'string', isArchived: 'boolean',
} as const satisfies FieldKinds<SimcardItem>;
const TARIFF_FIELD_KINDS = {
  id: 'string', name: 'string', tariffType: 'string', isArchived: 'boolean', callOutgoingRateAmount: 'number', callIncomingRateAmount: 'number', dataRateAmount: 'number', duration: 'number',
} as const satisfies FieldKinds<TariffItem>;
const DID_FIELD_KINDS = { id: 'string', msisdn: 'string', state: 'string', rentedAt: 'string', attachedAt: 'string', isSmsEnabled: 'boolean' } as const satisfies FieldKinds<DidItem>;
const DID_RENT_DEDUCTION_FIELD_KINDS = {
  id: 'string', type: 'string', value: 'number', performedAt: 'string', comment: 'string', oldValue: 'number', newValue: 'number',
} as const satisfies FieldKinds<DidRentDeductionItem>;

// Compile-time proof that the runtime lists are exactly the generated types' scalar fields.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const listsMatchTypes: [
  Same<(typeof SIMCARD_FIELDS)[number], ScalarField<SimcardItem>>,
  Same<(typeof TARIFF_FIELDS)[number], ScalarField<TariffItem>>,
  Same<(typeof DID_FIELDS)[number], ScalarField<DidItem>>,
  Same<(typeof DID_RENT_DEDUCTION_FIELDS)[number], ScalarField<DidRentDeductionItem>>,
] = [true, true, true, true];
void listsMatchTypes;

interface ListRule {
  item: string;
  fields: readonly string[];
  kinds: Readonly<Record<string, FieldKind>>;
  /** Present when the operation hard-codes its sort (no `$sort` variable). */
  fixedSort?: string;
}

/** Per operation: the item type, its filterable/sortable fields, and whether `sort` is a variable. */
export const LIST_RULES: Readonly<Record<string, ListRule>> = {
  Simcards: { item: 'Simcard', fields: SIMCARD_FIELDS, kinds: SIMCARD_FIELD_KINDS },
  Tariffs: { item: 'Tariff', fields: TARIFF_FIELDS, kinds: TARIFF_FIELD_KINDS, fixedSort: 'id DESC' },
  DidServiceDids: { item: 'Did', fields: DID_FIELDS, kinds: DID_FIELD_KINDS },
  DidRentDeductions: { item: 'DidRentDeduction', fields: DID_RENT_DEDUCTION_FIELDS, kinds: DID_RENT_DEDUCTION_FIELD_KINDS, fixedSort: 'performedAt DESC' },
};

const FILTER_KEYS = ['field', 'value', 'operator', 'comparator'];
const SORT_KEYS = ['field', 'order'];

function entries(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function checkFilter(op: string, rule: ListRule, filter: unknown): void {
  if (filter === undefined || filter === null) return;
  const fail = (message: string, path: string) => {
    throw new ValidationError(`${op}: ${message}`, { operationName: op, field: `variables.${path}` });
  };
  if (typeof filter !== 'object') fail(`filter must be a list of { field, comparator, value, operator }, got ${typeof filter}`, 'filter');
  entries(filter).forEach((entry, i) => {
    const at = Array.isArray(filter) ? `filter[${i}]` : 'filter';
    if (entry === null || entry === undefined) return;
    if (typeof entry !== 'object' || Array.isArray(entry)) return fail(`${at} must be an object { field, comparator, value, operator }`, at);
    const e = entry as Record<string, unknown>;
    const extra = Object.keys(e).find((k) => !FILTER_KEYS.includes(k));
    if (extra !== undefined) fail(`${at} has an unknown key ${JSON.stringify(extra)}; a filter has ${FILTER_KEYS.join(', ')}`, `${at}.${extra}`);
    if (typeof e.field !== 'string' || !rule.fields.includes(e.field)) {
      fail(`${at}.field ${JSON.stringify(e.field)} is not a field of ${rule.item}; filter on one of: ${rule.fields.join(', ')}`, `${at}.field`);
    }
    if (e.comparator != null && !(FILTER_COMPARATORS as readonly unknown[]).includes(e.comparator)) {
      fail(`${at}.comparator ${JSON.stringify(e.comparator)} is not one of ${FILTER_COMPARATORS.join(', ')}`, `${at}.comparator`);
    }
    if (e.operator != null && !(FILTER_OPERATORS as readonly unknown[]).includes(e.operator)) {
      fail(`${at}.operator ${JSON.stringify(e.operator)} is not one of ${FILTER_OPERATORS.join(', ')}`, `${at}.operator`);
    }
    if ((e.comparator === 'IN' || e.comparator === 'NIN') && !Array.isArray(e.value)) fail(`${at}.value must be a list for ${e.comparator}`, `${at}.value`);
    const problem = valueProblem(rule.kinds[e.field as string]!, e.comparator, e.value);
    if (problem) fail(`${at}.value: ${problem}`, `${at}.value`);
  });
}

const isKind = (kind: FieldKind, v: unknown) => (kind === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === kind);

/** What is wrong with a filter value for a field of this kind and comparator (undefined when it fits). */
function valueProblem(kind: FieldKind, comparator: unknown, value: unknown): string | undefined {
  const got = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value;
  switch (comparator) {
    case 'NULL':
      return value === undefined || typeof value === 'boolean' ? undefined : `NULL takes true or false, got ${got}`;
    case 'IN':
    case 'NIN': {
      const i = (value as unknown[]).findIndex((v) => !isKind(kind, v));
      return i < 0 ? undefined : `item ${i} must be a ${kind}, got ${(value as unknown[])[i] === null ? 'null' : typeof (value as unknown[])[i]}`;
    }
    case 'CONTAINS':
    case 'STARTS_WITH':
    case 'ENDS_WITH':
      if (kind !== 'string') return `${comparator} applies to text fields only; this field is a ${kind}`;
      return typeof value === 'string' ? undefined : `must be a string, got ${got}`;
    case 'LT':
    case 'LTE':
    case 'GT':
    case 'GTE':
      if (kind === 'boolean') return `${comparator} does not apply to a boolean field`;
      return isKind(kind, value) ? undefined : `must be a ${kind}, got ${got}`;
    default: // EQ, NEQ, or no comparator
      return value === null || isKind(kind, value) ? undefined : `must be a ${kind}${kind === 'number' ? ' (finite)' : ''} or null, got ${got}`;
  }
}

function checkSort(op: string, rule: ListRule, sort: unknown): void {
  if (sort === undefined || sort === null) return;
  const fail = (message: string, path: string) => {
    throw new ValidationError(`${op}: ${message}`, { operationName: op, field: `variables.${path}` });
  };
  if (rule.fixedSort) fail(`the ${op} operation sorts by ${rule.fixedSort} (fixed in the API's query); sort is not accepted`, 'sort');
  if (typeof sort !== 'object') fail(`sort must be a list of { field, order }, got ${typeof sort}`, 'sort');
  entries(sort).forEach((entry, i) => {
    const at = Array.isArray(sort) ? `sort[${i}]` : 'sort';
    if (entry === null || entry === undefined) return;
    if (typeof entry !== 'object' || Array.isArray(entry)) return fail(`${at} must be an object { field, order }`, at);
    const e = entry as Record<string, unknown>;
    const extra = Object.keys(e).find((k) => !SORT_KEYS.includes(k));
    if (extra !== undefined) fail(`${at} has an unknown key ${JSON.stringify(extra)}; a sort has field, order`, `${at}.${extra}`);
    if (typeof e.field !== 'string' || !rule.fields.includes(e.field)) {
      fail(`${at}.field ${JSON.stringify(e.field)} is not a field of ${rule.item}; sort on one of: ${rule.fields.join(', ')}`, `${at}.field`);
    }
    if (e.order != null && !(SORT_ORDERS as readonly unknown[]).includes(e.order)) fail(`${at}.order ${JSON.stringify(e.order)} is not ASC or DESC`, `${at}.order`);
  });
}

/** buildMethods validators: filter/sort names checked before any request leaves. */
export const listValidators: Validators = Object.fromEntries(
  Object.entries(LIST_RULES).map(([op, rule]) => [
    op,
    (variables: Record<string, unknown>) => {
      checkFilter(op, rule, variables.filter);
      checkSort(op, rule, variables.sort);
    },
  ]),
);
