/** The operations of a client, found by walking its method tree (every method carries its descriptor). */
import type { OperationDescriptor } from '@sdk/core';
import { UsageError } from './errors.js';
import type { AnyClient } from './vendors.js';

export interface Method {
  /** Where the method sits on the client: `listSims`, `simcard.block`. */
  path: string;
  operation: OperationDescriptor;
  call: ((variables?: Record<string, unknown>, options?: Record<string, unknown>) => Promise<unknown>) & {
    withResponse?: (variables?: Record<string, unknown>, options?: Record<string, unknown>) => Promise<{ data: unknown; response: unknown }>;
    pages?: (variables?: Record<string, unknown>, options?: Record<string, unknown>) => AsyncIterable<unknown> & { position: Record<string, unknown>; done: boolean };
  };
}

export function methodsOf(client: AnyClient): Method[] {
  const out: Method[] = [];
  const visit = (node: Record<string, unknown>, prefix: string[]) => {
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
      const path = [...prefix, key];
      const op = (value as { operation?: OperationDescriptor }).operation;
      if (typeof value === 'function' && op && op.kind !== 'subscription') out.push({ path: path.join('.'), operation: op, call: value as Method['call'] });
      visit(value as Record<string, unknown>, path);
    }
  };
  visit(client, []);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

const squash = (s: string) => s.replace(/[-_.\s]/g, '').toLowerCase();

/** Finds a method by its path (`simcard.block`), kebab form (`simcard-block`, `list-sims`) or operation name (`ListSims`). */
export function findMethod(methods: readonly Method[], name: string, vendor: string): Method {
  const key = squash(name);
  const found = methods.find((m) => squash(m.path) === key) ?? methods.find((m) => squash(m.operation.name) === key);
  if (found) return found;
  const near = methods.filter((m) => squash(m.path).includes(key) || key.includes(squash(m.path))).slice(0, 5);
  throw new UsageError(`${vendor} has no operation ${JSON.stringify(name)}${near.length ? `; did you mean ${near.map((m) => m.path).join(', ')}?` : ''} (\`telco ${vendor} --help\` lists them)`);
}
