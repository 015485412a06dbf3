import { describe, expectTypeOf, it } from 'vitest';
import type { ItemIterator } from '@sdk/core';
import type { DocumentTypeDecoration, MyPhoneClient } from '@sdk/myphone';

declare const myphone: MyPhoneClient;
type SimcardIdsQuery = { simcards: { items: ({ id: string; iccidPlastic: string | null } | null)[] | null; count: number | null } | null };
declare const SimcardIds: DocumentTypeDecoration<SimcardIdsQuery, { offset?: number | null; limit?: number | null }>;

describe('myphone: own document types', () => {
  it('a field the document does not select is a compile error; variables are optional when none is required', async () => {
    const data = await myphone.request(SimcardIds);
    const sim = data.simcards!.items![0]!;
    expectTypeOf(sim.iccidPlastic).toEqualTypeOf<string | null>();
    // @ts-expect-error simId is not selected by SimcardIds
    void sim.simId;
    // @ts-expect-error offset is a number
    void myphone.request(SimcardIds, { offset: 'x' });
  });

  it('an offset walk yields the items of the document', () => {
    expectTypeOf(myphone.request.all(SimcardIds, {}, { like: 'simcards', concurrency: 2 })).toEqualTypeOf<ItemIterator<{ id: string; iccidPlastic: string | null }>>();
  });
});
