import type { DocumentNode } from 'graphql';
import { describe, expectTypeOf, it } from 'vitest';
import type { DocumentTypeDecoration, ExecuteResult, ItemIterator, PageIterator } from '@sdk/core';
import type { WhereverClient } from '@sdk/wherever';

declare const wherever: WhereverClient;
declare const untyped: DocumentNode;

/** The shape graphql-codegen's client preset gives a document (TypedDocumentNode or TypedDocumentString). */
type SimIdsQuery = { listSims: { items: ({ iccid: string; statusid: number | null } | null)[] | null; nextToken: string | null } | null };
type SimIdsVariables = { limit: number; nextToken?: string | null };
declare const SimIds: DocumentNode & DocumentTypeDecoration<SimIdsQuery, SimIdsVariables>;
declare const NoVars: DocumentTypeDecoration<{ getStatistics: { totalSimCards: number | null } | null }, { [key: string]: never }>;

describe('client.request types', () => {
  it('infers data and variables from a typed document', () => {
    expectTypeOf(wherever.request(SimIds, { limit: 3 })).resolves.toEqualTypeOf<SimIdsQuery>();
    expectTypeOf(wherever.request.withResponse(SimIds, { limit: 3 })).resolves.toEqualTypeOf<ExecuteResult<SimIdsQuery>>();
    expectTypeOf(wherever.request(NoVars)).resolves.toHaveProperty('getStatistics');
  });

  it('a field the document does not select is a compile error', async () => {
    const data = await wherever.request(SimIds, { limit: 3 });
    const sim = data.listSims!.items![0]!;
    expectTypeOf(sim.iccid).toEqualTypeOf<string>();
    // @ts-expect-error imsi is not selected by SimIds
    void sim.imsi;
  });

  it('variables are checked: required, typed, no strangers', () => {
    // @ts-expect-error limit is required
    void wherever.request(SimIds);
    // @ts-expect-error limit is a number
    void wherever.request(SimIds, { limit: '3' });
    // @ts-expect-error not a variable of SimIds
    void wherever.request(SimIds, { limit: 3, limt: 3 });
  });

  it('strings and untyped DocumentNodes give unknown unless typed by hand', () => {
    expectTypeOf(wherever.request('{ getStatistics { totalSimCards } }')).resolves.toBeUnknown();
    expectTypeOf(wherever.request<{ a: number }>('{ a }')).resolves.toEqualTypeOf<{ a: number }>();
    expectTypeOf(wherever.request(untyped)).resolves.toBeUnknown();
  });

  it('walks yield the document’s own items', () => {
    expectTypeOf(wherever.request.all(SimIds, { limit: 3 }, { like: 'listSims' })).toEqualTypeOf<ItemIterator<{ iccid: string; statusid: number | null }>>();
    // the paging variables become optional for a walk
    expectTypeOf(wherever.request.all(SimIds, {}, { like: 'listSims' })).toEqualTypeOf<ItemIterator<{ iccid: string; statusid: number | null }>>();
    expectTypeOf(wherever.request.pages(SimIds, undefined, { like: 'listSims', path: ['listSims'] })).toEqualTypeOf<PageIterator<NonNullable<SimIdsQuery['listSims']>>>();
  });

  it('walked items lack the fields the document does not select', async () => {
    for await (const sim of wherever.request.all(SimIds, {}, { like: 'listSims' })) {
      // @ts-expect-error imsi is not selected by SimIds
      void sim.imsi;
    }
  });
});
