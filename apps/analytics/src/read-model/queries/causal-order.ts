/** What causal ordering needs of an event. */
export interface CausalNode {
  eventId: string;
  causationId: string | null;
  occurredAt: Date;
}

const byTime = (a: CausalNode, b: CausalNode): number =>
  a.occurredAt.getTime() - b.occurredAt.getTime() ||
  (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/**
 * A topological order of the events by causation (a cause before its effects; a cause that is not
 * among them — a command, another order's event — makes the event a root), ties broken by time and
 * then id. Clocks of different services disagree a little, so time alone could show an effect
 * before its cause; this never does. A cycle (impossible with real ids) is broken by time.
 *
 * @example
 *   causalOrder([charged, placed, reserved]) // → [placed, reserved, charged]
 */
export function causalOrder<T extends CausalNode>(events: readonly T[]): T[] {
  const sorted = [...events].sort(byTime);
  const ids = new Set(sorted.map((e) => e.eventId));
  const waiting = new Map<string, T[]>();
  const ready: T[] = [];
  for (const event of sorted) {
    const cause = event.causationId;
    if (cause !== null && cause !== event.eventId && ids.has(cause)) {
      const list = waiting.get(cause) ?? [];
      list.push(event);
      waiting.set(cause, list);
    } else ready.push(event);
  }
  const out: T[] = [];
  const placed = new Set<string>();
  const release = (event: T) => {
    out.push(event);
    placed.add(event.eventId);
    for (const effect of waiting.get(event.eventId) ?? []) insertSorted(ready, effect);
    waiting.delete(event.eventId);
  };
  while (out.length < sorted.length) {
    const next = ready.shift() ?? sorted.find((e) => !placed.has(e.eventId) && !ready.includes(e));
    if (!next) break;
    if (placed.has(next.eventId)) continue;
    release(next);
  }
  return out;
}

function insertSorted<T extends CausalNode>(list: T[], item: T): void {
  const at = list.findIndex((e) => byTime(item, e) < 0);
  if (at === -1) list.push(item);
  else list.splice(at, 0, item);
}

/** The trace id of a W3C `traceparent` (`00-<trace-id>-<span-id>-<flags>`), or null. */
export function traceIdOf(traceparent: string | null): string | null {
  const match = traceparent
    ? /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent)
    : null;
  const id = match?.[1];
  return id && !/^0+$/.test(id) ? id : null;
}

/** `/acme/payment` → `payment`: the last segment of a CloudEvents source. */
export function serviceOf(source: string): string {
  const segments = source.split('/').filter((s) => s.length > 0);
  return segments.at(-1) ?? source;
}
