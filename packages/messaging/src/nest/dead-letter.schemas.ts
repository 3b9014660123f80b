import { z } from 'zod';
import type { ReplaySelection } from '../replay.js';

/** RFC 3339 with an offset (`2026-11-23T14:00:00Z`), so no one's local time zone is guessed. */
const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with an offset, e.g. 2026-11-23T14:00:00Z' })
  .transform((text) => new Date(text));
const name = z.string().trim().min(1).max(255);

/** Strict objects: a misspelt criterion (`eventId` for `eventIds`) is an error, never "everything". */
export const listQuerySchema = z.strictObject({
  group: name,
  /** Repeat it for several: `?eventId=a&eventId=b`. */
  eventId: z
    .union([name, z.array(name).max(1000)])
    .transform((ids) => (Array.isArray(ids) ? ids : [ids]))
    .optional(),
  errorClass: name.optional(),
  from: instant.optional(),
  to: instant.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ListQuery = z.output<typeof listQuerySchema>;

export const replayBodySchema = z.strictObject({
  group: name,
  selection: z.strictObject({
    all: z.boolean().optional(),
    eventIds: z.array(name).min(1).max(10_000).optional(),
    errorClass: name.optional(),
    from: instant.optional(),
    to: instant.optional(),
  }),
  dryRun: z.boolean().optional(),
  requestedBy: name.optional(),
});
export type ReplayBody = z.output<typeof replayBodySchema>;

interface SelectionFields {
  all?: boolean | undefined;
  eventIds?: readonly string[] | undefined;
  errorClass?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** The selection with absent criteria left out (the runtime's type has no `undefined` members). */
export function toSelection(fields: SelectionFields): ReplaySelection {
  return {
    ...(fields.all === undefined ? {} : { all: fields.all }),
    ...(fields.eventIds === undefined ? {} : { eventIds: fields.eventIds }),
    ...(fields.errorClass === undefined ? {} : { errorClass: fields.errorClass }),
    ...(fields.from === undefined ? {} : { from: fields.from }),
    ...(fields.to === undefined ? {} : { to: fields.to }),
  };
}
