import { listOrdersQuery, outcomesQuery, salesQuery } from '../../src/http/query.schemas.js';

const fields = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((issue) => issue.path.join('.')).sort();

describe('range queries', () => {
  it('name a date that does not parse, instead of comparing it (a 400, not a TypeError)', () => {
    expect(fields(outcomesQuery.safeParse({ from: '0', to: '' }))).toEqual(['from', 'to']);
    expect(fields(outcomesQuery.safeParse({ from: 'x', to: '2026-01-01T00:00:00Z' }))).toEqual(['from']);
    expect(fields(listOrdersQuery.safeParse({ from: '0', to: '' }))).toEqual(['from', 'to']);
    expect(fields(salesQuery.safeParse({ currency: 'AAA', from: '2000-01-01T00:00:00Z', to: '' }))).toEqual([
      'to',
    ]);
  });

  it('still refuse a range that ends before it starts', () => {
    const backwards = { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' };
    for (const schema of [outcomesQuery, listOrdersQuery, salesQuery]) {
      const result = schema.safeParse(backwards);
      expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['to', 'must be after from'],
      ]);
    }
  });
});
