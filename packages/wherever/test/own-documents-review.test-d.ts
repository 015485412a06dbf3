import type { DocumentNode } from 'graphql';
import { describe, expectTypeOf, it } from 'vitest';
import type { DocumentTypeDecoration } from '@sdk/core';
import type { WhereverClient } from '@sdk/wherever';

declare const wherever: WhereverClient;
type SimIdsQuery = { listSims: { items: ({ iccid: string; statusid: number | null } | null)[] | null; nextToken: string | null } | null };
type SimIdsVariables = { limit: number; nextToken?: string | null };
declare const SimIds: DocumentNode & DocumentTypeDecoration<SimIdsQuery, SimIdsVariables>;

describe('review: own documents with a path', () => {
  it('a path the document does not select is a compile error, not a never result', () => {
    expectTypeOf(wherever.request(SimIds, { limit: 1 }, { path: ['listSims'] })).resolves.toEqualTypeOf<SimIdsQuery['listSims']>();
    // @ts-expect-error listSim is not a field of SimIds' data
    void wherever.request(SimIds, { limit: 1 }, { path: ['listSim'] });
    // @ts-expect-error listSim is not a field of SimIds' data
    void wherever.request.all(SimIds, {}, { like: 'listSims', path: ['listSim'] });
  });
});
