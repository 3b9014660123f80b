import type { Admin } from 'kafkajs';

/** Per `topic/partition`: a consumer group's committed offset, or the log's bounds. */
export type PartitionOffsets = Map<string, bigint>;

export interface LogBounds {
  /** First offset still in the log (retention may have removed older ones). */
  low: PartitionOffsets;
  /** The next offset to be written: what a group that has read everything has committed. */
  high: PartitionOffsets;
}

const key = (topic: string, partition: number) => `${topic}/${String(partition)}`;

export async function logBounds(admin: Admin, topics: readonly string[]): Promise<LogBounds> {
  const low: PartitionOffsets = new Map();
  const high: PartitionOffsets = new Map();
  await Promise.all(
    topics.map(async (topic) => {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        low.set(key(topic, p.partition), BigInt(p.low));
        high.set(key(topic, p.partition), BigInt(p.high));
      }
    }),
  );
  return { low, high };
}

/** What `groupId` has committed; partitions it has not committed on are absent. */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionOffsets> {
  const committed: PartitionOffsets = new Map();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    for (const p of partitions)
      if (BigInt(p.offset) >= 0n) committed.set(key(topic, p.partition), BigInt(p.offset));
  }
  return committed;
}

export interface Position {
  /** Messages the group has read, from the start of the log. */
  done: number;
  /** Messages in the log. */
  total: number;
  /** Messages still to read. */
  lag: number;
}

export function positionOf(committed: PartitionOffsets, bounds: LogBounds): Position {
  let done = 0n;
  let total = 0n;
  for (const [partition, high] of bounds.high) {
    const low = bounds.low.get(partition) ?? 0n;
    const at = committed.get(partition) ?? low;
    total += high - low;
    done += (at > high ? high : at < low ? low : at) - low;
  }
  return { done: Number(done), total: Number(total), lag: Number(total - done) };
}

/**
 * Whether `candidate` has read at least as far as `reference` on every partition: a new
 * generation that may take over from the serving one without going back in time.
 */
export function caughtUp(
  candidate: PartitionOffsets,
  reference: PartitionOffsets,
  bounds: LogBounds,
): boolean {
  for (const partition of bounds.high.keys()) {
    const low = bounds.low.get(partition) ?? 0n;
    // A partition the serving generation has not read from asks nothing of the new one.
    if ((candidate.get(partition) ?? low) < (reference.get(partition) ?? low)) return false;
  }
  return true;
}
