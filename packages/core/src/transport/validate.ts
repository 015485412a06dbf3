/**
 * Variables checked against the operation's declared GraphQL types before anything leaves.
 *
 * The codegen plugin emits, per vendor, a compact table of the input types, enums and custom scalars the
 * operations use, and per operation the declared type of each variable (`"SimFilterInput"`, `"[ID!]!"`).
 * On first use a validator is compiled from them into closures and kept on the descriptor, so a call costs
 * a walk over the values it passes: no parsing, and no allocation unless something is wrong (a failing
 * check returns a Problem whose path is filled in while unwinding).
 */
import { ValidationError } from '../errors/index.js';
import type { InputTypeTable, OperationDescriptor, VariableBound } from './operation.js';

interface Problem {
  path: (string | number)[];
  message: string;
  /** What a getter threw while the value was read. */
  cause?: unknown;
}
/** Returns undefined when the value is acceptable. `depth` guards against cycles in recursive input types. */
type Check = (value: unknown, depth: number) => Problem | undefined;
type Validator = (variables: Record<string, unknown>) => void;

/** Deeper than this is treated as a cycle (no real input nests this deep). */
const MAX_DEPTH = 64;

/** What a wrong value is, in words a caller recognises. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  if (t === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? `number ${value as number}` : `${value as number}`;
  // Never the text itself: a misplaced string may be a secret.
  if (t === 'string') return 'string';
  if (t === 'object') {
    const proto = Object.getPrototypeOf(value);
    const name = proto && proto !== Object.prototype ? (proto.constructor as { name?: string } | undefined)?.name : undefined;
    return name ? `${name} object` : 'object';
  }
  return t; // bigint, function, symbol, boolean, undefined
}

function problem(expected: string, value: unknown): Problem {
  return { path: [], message: `expected ${expected}, got ${describe(value)}` };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:Z|[+-]\d{2}:\d{2}(?::\d{2})?)?$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}(?::\d{2})?)$/;
const LENIENT_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const URL_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/** Any JSON value that JSON.stringify sends unchanged: no functions, symbols, BigInt, NaN/Infinity, cycles. */
function jsonValue(value: unknown, depth: number): Problem | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : problem('a JSON value', value);
    case 'object': {
      if (value === null) return undefined;
      if (depth > MAX_DEPTH) return { path: [], message: `nested deeper than ${MAX_DEPTH} levels (a circular value?)` };
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const p = jsonValue(value[i], depth + 1);
          if (p) return p.path.unshift(i), p;
        }
        return undefined;
      }
      if (!isPlainObject(value)) return problem('a JSON value', value);
      for (const key in value) {
        const v = value[key];
        if (v === undefined) continue; // JSON.stringify drops it
        const p = jsonValue(v, depth + 1);
        if (p) return p.path.unshift(key), p;
      }
      return undefined;
    }
    default:
      return problem('a JSON value', value);
  }
}

/** Scalar checkers by kind. Built-in GraphQL scalars use their own names; custom ones are mapped in codegen.ts. */
const SCALARS: Record<string, (name: string) => Check> = {
  String: (n) => (v) => (typeof v === 'string' ? undefined : problem(n, v)),
  // GraphQL accepts an integer where an ID is expected and sends it as a string.
  ID: (n) => (v) => (typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v)) ? undefined : problem(n, v)),
  Int: (n) => (v) => (typeof v === 'number' && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX ? undefined : problem(`${n} (a 32-bit integer)`, v)),
  Float: (n) => (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : problem(`${n} (a finite number)`, v)),
  Boolean: (n) => (v) => (typeof v === 'boolean' ? undefined : problem(n, v)),
  /** A whole number sent as a JSON number: only safe integers survive the trip exactly. */
  safeInteger: (n) => (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? undefined : problem(`${n} (an integer within ±2^53)`, v)),
  /** A finite number or a decimal string ("12.50"). */
  decimal: (n) => (v) => ((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && DECIMAL.test(v)) ? undefined : problem(`${n} (a finite number or decimal string)`, v)),
  string: (n) => (v) => (typeof v === 'string' ? undefined : problem(n, v)),
  date: (n) => (v) => (typeof v === 'string' && ISO_DATE.test(v) ? undefined : problem(`${n} (YYYY-MM-DD)`, v)),
  /** ISO 8601 with a time zone, as AppSync requires. */
  dateTime: (n) => (v) => (typeof v === 'string' && ISO_DATE_TIME.test(v) ? undefined : problem(`${n} (ISO 8601 date-time with zone)`, v)),
  /** ISO 8601 date or date-time, zone optional. */
  isoDate: (n) => (v) => (typeof v === 'string' && LENIENT_DATE_TIME.test(v) ? undefined : problem(`${n} (ISO 8601 date-time)`, v)),
  email: (n) => (v) => (typeof v === 'string' && EMAIL.test(v) ? undefined : problem(`${n} (an email address)`, v)),
  url: (n) => (v) => (typeof v === 'string' && URL_SCHEME.test(v) ? undefined : problem(`${n} (a URL)`, v)),
  /** A string holding JSON (AppSync's AWSJSON). */
  jsonString: (n) => (v) => {
    if (typeof v !== 'string') return problem(`${n} (a string of JSON)`, v);
    try {
      JSON.parse(v);
      return undefined;
    } catch {
      return { path: [], message: `expected ${n} (a string of JSON), got a string that is not JSON` };
    }
  },
  /** Any JSON value. */
  json: () => jsonValue,
};

/** Compiles checkers for one vendor's table; input types are compiled once each and shared (recursive types too). */
function compilerFor(table: InputTypeTable) {
  const named = new Map<string, Check>();

  function namedCheck(name: string): Check {
    const cached = named.get(name);
    if (cached) return cached;
    const scalarKind = SCALARS[name] ? name : table.scalars?.[name];
    if (scalarKind?.startsWith('oneOf:')) {
      // A string scalar with documented values (e.g. sort directions typed String by the vendor).
      const values = scalarKind.slice(6).split(',');
      const check: Check = (v) => (typeof v === 'string' && values.includes(v) ? undefined : problem(`${name} (${values.join(', ')})`, v));
      named.set(name, check);
      return check;
    }
    if (scalarKind !== undefined) {
      const make = SCALARS[scalarKind] ?? SCALARS.json!;
      const check = make(name);
      named.set(name, check);
      return check;
    }
    const values = table.enums?.[name];
    if (values) {
      const set = new Set(values);
      const shown = values.length <= 8 ? `${name} (${values.join(', ')})` : name;
      const check: Check = (v) => (typeof v === 'string' && set.has(v) ? undefined : problem(shown, v));
      named.set(name, check);
      return check;
    }
    const fieldTypes = table.inputs?.[name];
    if (!fieldTypes) {
      // A type the table does not describe: at least keep the value JSON-safe.
      named.set(name, jsonValue);
      return jsonValue;
    }
    const fields: Record<string, Check> = Object.create(null);
    const required: string[] = [];
    // Registered before its fields are compiled, so a recursive input type refers to itself.
    const check: Check = (v, depth) => {
      if (!isPlainObject(v)) return problem(name, v);
      if (depth > MAX_DEPTH) return { path: [], message: `nested deeper than ${MAX_DEPTH} levels (a circular value?)` };
      for (const key in v) {
        const f = fields[key];
        if (f === undefined) return { path: [key], message: `unknown field; ${name} takes ${Object.keys(fields).join(', ')}` };
        let value: unknown;
        try {
          value = v[key];
        } catch (cause) {
          return { path: [key], message: 'could not be read (its getter threw)', cause };
        }
        const p = f(value, depth + 1);
        if (p) return p.path.unshift(key), p;
      }
      for (let i = 0; i < required.length; i++) {
        const key = required[i]!;
        if (v[key] === undefined) return { path: [key], message: `is required by ${name}` };
      }
      return undefined;
    };
    named.set(name, check);
    for (const [field, ref] of Object.entries(fieldTypes)) {
      // A leading '?' marks a non-null field with a default: it may be omitted, not set to null.
      const optional = ref.startsWith('?');
      const type = optional ? ref.slice(1) : ref;
      fields[field] = typeCheck(type, true);
      if (!optional && type.endsWith('!')) required.push(field);
    }
    return check;
  }

  /** A type reference as GraphQL prints it: `Name`, `Name!`, `[Name]`, `[Name!]!`. Undefined counts as absent. */
  function typeCheck(ref: string, absentOk: boolean): Check {
    const nonNull = ref.endsWith('!');
    const inner = nonNull ? ref.slice(0, -1) : ref;
    let check: Check;
    if (inner.startsWith('[')) {
      const itemRef = inner.slice(1, -1);
      const item = typeCheck(itemRef, false);
      // GraphQL input coercion: a single value where a list is expected is a list of one.
      check = (v, depth) => {
        if (!Array.isArray(v)) return item(v, depth);
        for (let i = 0; i < v.length; i++) {
          const p = item(v[i], depth + 1);
          if (p) return p.path.unshift(i), p;
        }
        return undefined;
      };
    } else {
      // Named checks are looked up on first use so that tables may list types in any order.
      let resolved: Check | undefined;
      check = (v, depth) => (resolved ??= namedCheck(inner))(v, depth);
    }
    const shown = ref;
    if (nonNull) {
      return (v, depth) => (v === null || (v === undefined && !absentOk) ? { path: [], message: `expected ${shown}, got ${v === null ? 'null' : 'undefined'}` } : v === undefined ? undefined : check(v, depth));
    }
    // Inside a list JSON.stringify turns undefined into null, which a nullable item accepts.
    return (v, depth) => (v === null || v === undefined ? undefined : check(v, depth));
  }

  return typeCheck;
}

const compilers = new WeakMap<InputTypeTable, ReturnType<typeof compilerFor>>();

function fail(op: OperationDescriptor, p: Problem, top: string): never {
  let field = `variables.${top}`;
  for (const key of p.path) field += typeof key === 'number' ? `[${key}]` : `.${key}`;
  throw new ValidationError(`${op.name}: ${field}: ${p.message}`, { operationName: op.name, field, ...(p.cause === undefined ? {} : { cause: p.cause }) });
}

function compile(op: OperationDescriptor): Validator {
  const declared = op.variables;
  const required = op.required ?? [];
  const types = op.variableTypes;
  let checks: Record<string, Check> | undefined;
  if (types) {
    const table = op.types ?? {};
    let compiler = compilers.get(table);
    if (!compiler) compilers.set(table, (compiler = compilerFor(table)));
    checks = Object.create(null) as Record<string, Check>;
    for (const [name, ref] of Object.entries(types)) checks[name] = compiler(ref, true);
  }
  const list = declared?.join(', ') || 'no variables';
  const bounds = (op.bounds ?? []).map((b) => ({ ...b, keys: b.name.split('.') }));
  return (variables) => {
    for (const key in variables) {
      const value = variables[key];
      const check = checks?.[key];
      if (check === undefined) {
        if (declared && !declared.includes(key)) {
          throw new ValidationError(`${op.name}: variables.${key}: unknown variable ${JSON.stringify(key)}; it takes ${list}`, { operationName: op.name, field: `variables.${key}` });
        }
        // No declared type (a hand-made descriptor): still never send what JSON cannot carry.
        const p = value === undefined ? undefined : jsonValue(value, 0);
        if (p) fail(op, p, key);
        continue;
      }
      const p = check(value, 0);
      if (p) fail(op, p, key);
    }
    for (let i = 0; i < required.length; i++) {
      const key = required[i]!;
      if (variables[key] === undefined || variables[key] === null) {
        throw new ValidationError(`${op.name}: variables.${key}: variable ${key} is required`, { operationName: op.name, field: `variables.${key}` });
      }
    }
    for (let i = 0; i < bounds.length; i++) checkBound(op, bounds[i]!, variables);
  };
}

function checkBound(op: OperationDescriptor, bound: VariableBound & { keys: string[] }, variables: Record<string, unknown>): void {
  let value: unknown = variables;
  for (const key of bound.keys) {
    if (value === null || value === undefined || typeof value !== 'object') return;
    value = (value as Record<string, unknown>)[key];
  }
  if (value === undefined || value === null) return;
  const field = `variables.${bound.name}`;
  if (bound.maxItems !== undefined) {
    if (Array.isArray(value) && value.length > bound.maxItems) {
      throw new ValidationError(`${op.name}: ${bound.name} holds ${value.length} items; the API accepts at most ${bound.maxItems}`, { operationName: op.name, field });
    }
    return;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValidationError(`${op.name}: ${bound.name} must be an integer, got ${describe(value)}`, { operationName: op.name, field });
  }
  if ((bound.min !== undefined && value < bound.min) || (bound.max !== undefined && value > bound.max)) {
    throw new ValidationError(`${op.name}: ${bound.name} must be between ${bound.min ?? '-∞'} and ${bound.max ?? '∞'}, got ${value}`, { operationName: op.name, field });
  }
}

const validators = new WeakMap<OperationDescriptor, Validator>();

/**
 * Checks variables against the operation's declared types, then the documented bounds (page sizes, list
 * lengths), before any request leaves. Throws ValidationError naming the variable path.
 */
export function validateVariables(op: OperationDescriptor, variables: Record<string, unknown>): void {
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new ValidationError(`${op.name}: variables: must be an object, got ${describe(variables)}`, { operationName: op.name, field: 'variables' });
  }
  let validate = validators.get(op);
  if (validate === undefined) validators.set(op, (validate = compile(op)));
  try {
    validate(variables);
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    // A getter or proxy that throws while we read the value: still a typed error, and nothing was sent.
    throw new ValidationError(`${op.name}: variables could not be read`, { operationName: op.name, field: 'variables', cause: err });
  }
}
