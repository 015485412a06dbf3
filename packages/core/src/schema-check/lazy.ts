/**
 * What the vendor packages re-export as `checkSchema`: the checker (and `graphql`) load on its first call,
 * so importing a client does not parse them. `@sdk/core/schema-check` is the same function, loaded eagerly.
 */
import type { SchemaCheckOptions, SchemaCheckReport } from './index.js';

export type { MethodCheck, SchemaCheckOptions, SchemaCheckReport, SchemaDrift } from './index.js';

/** Which of a client's methods the live endpoint still accepts; see `@sdk/core/schema-check`. */
export async function checkSchema(client: unknown, options?: SchemaCheckOptions): Promise<SchemaCheckReport> {
  const checker = await import('./index.js');
  return checker.checkSchema(client, options);
}
