import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '@cutover/domain';
import { decodeCursor, encodeCursor, toPage } from './pagination.rules';

describe('pagination', () => {
  it('round-trips a cursor', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), (name, seq) => {
        expect(decodeCursor(encodeCursor({ name, seq }), ['name', 'seq'] as const)).toEqual({ name, seq: String(seq) });
      }),
    );
  });

  it.each(['not-base64-json', encodeCursor({ other: 'x' }), Buffer.from('[1]').toString('base64url'), Buffer.from('null').toString('base64url')])(
    'refuses a cursor it did not hand out (%s) naming cursor',
    (cursor) => {
      const error = (() => {
        try {
          decodeCursor(cursor, ['name'] as const);
        } catch (e) {
          return e;
        }
      })() as DomainError;
      expect(error).toBeInstanceOf(DomainError);
      expect(error.errors[0]?.path).toBe('cursor');
    },
  );

  it('treats an absent cursor as the first page', () => {
    expect(decodeCursor(undefined, ['name'] as const)).toBeUndefined();
    expect(decodeCursor('', ['name'] as const)).toBeUndefined();
  });

  it('walks every item exactly once, whatever the page size', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 })), fc.integer({ min: 1, max: 20 }), (values, limit) => {
        const sorted = [...values].sort((a, b) => a - b);
        const seen: number[] = [];
        let after: number | undefined;
        for (;;) {
          const rows = sorted.filter((v) => after === undefined || v > after).slice(0, limit + 1);
          const page = toPage(rows, limit, (last) => ({ v: last }));
          seen.push(...page.items);
          expect(page.items.length).toBeLessThanOrEqual(limit);
          if (!page.nextCursor) break;
          after = Number(decodeCursor(page.nextCursor, ['v'] as const)!.v);
        }
        expect(seen).toEqual(sorted);
      }),
    );
  });
});
