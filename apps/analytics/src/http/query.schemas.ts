import { z } from 'zod';
import { buckets, decodeCursor, rangeProblem, type OrderCursor } from '../read-model/queries/index.js';
import { orderStatuses } from '../read-model/tables.js';

/** An ISO 8601 date-time with an offset (`2026-12-01T12:00:00Z`), as a Date. */
const instant = z.iso
  .datetime({ offset: true, error: 'an ISO 8601 date-time, e.g. 2026-12-01T12:00:00Z' })
  .transform((value) => new Date(value));

const fromBeforeTo = (q: { from?: Date | undefined; to?: Date | undefined }) =>
  q.from === undefined || q.to === undefined || q.from.getTime() < q.to.getTime();

/**
 * Zod runs an object's refinements even after a field failed, with the field's raw input in its
 * place: a range is only compared once both of its ends are dates (the 400 names the bad end).
 */
const whenRangeParsed = {
  when: (payload: { issues: readonly { path?: readonly PropertyKey[] | undefined }[] }) =>
    !payload.issues.some((issue) => issue.path?.[0] === 'from' || issue.path?.[0] === 'to'),
};

/** GET /orders: filters, page size and the cursor of the previous page. Unknown parameters are refused. */
export const listOrdersQuery = z
  .strictObject({
    customerId: z.string().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
    status: z.enum(orderStatuses, { error: `one of ${orderStatuses.join(', ')}` }).optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce
      .number({ error: 'an integer from 1 to 200' })
      .int('an integer from 1 to 200')
      .min(1, 'an integer from 1 to 200')
      .max(200, 'an integer from 1 to 200')
      .default(50),
    cursor: z
      .string()
      .transform((text, ctx): OrderCursor => {
        const cursor = decodeCursor(text);
        if (cursor) return cursor;
        ctx.addIssue({ code: 'custom', message: 'not a cursor this API gave out (use nextCursor as is)' });
        return z.NEVER;
      })
      .optional(),
  })
  .refine(fromBeforeTo, { message: 'must be after from', path: ['to'], ...whenRangeParsed });
export type ListOrdersQuery = z.output<typeof listOrdersQuery>;

/** GET /sales: a range of at most 10 000 buckets. */
export const salesQuery = z
  .strictObject({
    from: instant,
    to: instant,
    bucket: z.enum(buckets, { error: `one of ${buckets.join(', ')}` }).default('minute'),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code of three capital letters, e.g. EUR')
      .optional(),
  })
  .superRefine((q, ctx) => {
    const problem = rangeProblem(q.from, q.to, q.bucket);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['to'] });
  }, whenRangeParsed);
export type SalesQuery = z.output<typeof salesQuery>;

/** GET /outcomes: optionally only the orders placed in [from, to). */
export const outcomesQuery = z
  .strictObject({ from: instant.optional(), to: instant.optional() })
  .refine(fromBeforeTo, { message: 'must be after from', path: ['to'], ...whenRangeParsed });
export type OutcomesQuery = z.output<typeof outcomesQuery>;
