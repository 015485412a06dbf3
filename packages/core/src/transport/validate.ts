import { ValidationError } from '../errors/index.js';
import type { OperationDescriptor } from './operation.js';

function at(variables: Record<string, unknown>, path: string): unknown {
  let value: unknown = variables;
  for (const key of path.split('.')) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Checks the documented bounds (page sizes, list lengths) before any request leaves. */
export function validateVariables(op: OperationDescriptor, variables: Record<string, unknown>): void {
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw new ValidationError(`${op.name}: variables must be an object`, { operationName: op.name, field: 'variables' });
  }
  if (op.variables) {
    for (const key in variables) {
      if (!op.variables.includes(key)) {
        throw new ValidationError(`${op.name}: unknown variable ${JSON.stringify(key)}; it takes ${op.variables.join(', ') || 'no variables'}`, { operationName: op.name, field: `variables.${key}` });
      }
    }
  }
  if (op.required) {
    for (const key of op.required) {
      if (variables[key] === undefined || variables[key] === null) {
        throw new ValidationError(`${op.name}: variable ${key} is required`, { operationName: op.name, field: `variables.${key}` });
      }
    }
  }
  if (!op.bounds) return;
  for (const bound of op.bounds) {
    const value = at(variables, bound.name);
    if (value === undefined || value === null) continue;
    const field = `variables.${bound.name}`;
    if (bound.maxItems !== undefined) {
      if (Array.isArray(value) && value.length > bound.maxItems) {
        throw new ValidationError(`${op.name}: ${bound.name} holds ${value.length} items; the API accepts at most ${bound.maxItems}`, { operationName: op.name, field });
      }
      continue;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new ValidationError(`${op.name}: ${bound.name} must be an integer, got ${JSON.stringify(value)}`, { operationName: op.name, field });
    }
    if ((bound.min !== undefined && value < bound.min) || (bound.max !== undefined && value > bound.max)) {
      throw new ValidationError(`${op.name}: ${bound.name} must be between ${bound.min ?? '-∞'} and ${bound.max ?? '∞'}, got ${value}`, { operationName: op.name, field });
    }
  }
}
