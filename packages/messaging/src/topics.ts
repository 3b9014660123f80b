/**
 * Topics that must exist before a client uses them: created when missing, then waited for until
 * the brokers serve them.
 *
 * Why not kafkajs' `createTopics({ waitForLeaders: true })`: in KRaft the controller answers
 * CreateTopics once the topic is in the metadata log, and each broker learns of it when it replays
 * that log a moment later. In that window a Metadata request for the topic gets
 * UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition"), which kafkajs'
 * wait treats as fatal — it only waits out LEADER_NOT_AVAILABLE — and a moment after that, the
 * leader named in the metadata may still answer NOT_LEADER_OR_FOLLOWER for its partitions. Services that start together on a
 * brand-new cluster hit it: one creates the shared topics, another asks for them at once.
 *
 * @example
 *   await ensureTopics(kafka.admin(), [{ topic: 'order.events', partitions: 3 }]);
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Admin } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  /** Partitions when it has to be created; an existing topic is taken as it is. */
  partitions: number;
}

export interface EnsureTopicsOptions {
  /** How long the topics may take to be served, every partition with a leader (default 30 s). */
  timeoutMs?: number;
  /** Pause between two looks at the metadata (default 100 ms). */
  pollMs?: number;
}

/** The topics did not become usable in time; `waiting` says, per topic, what was still missing. */
export class TopicsNotReadyError extends Error {
  override readonly name = 'TopicsNotReadyError';
  constructor(
    readonly waiting: ReadonlyMap<string, string>,
    timeoutMs: number,
  ) {
    super(
      `Kafka topics not ready after ${String(timeoutMs / 1000)} s: ` +
        [...waiting].map(([topic, why]) => `${topic} (${why})`).join(', '),
    );
  }
}

/**
 * Create whichever of `topics` are missing and resolve once the brokers serve each: a leader for
 * every partition, answering for it. Another client creating the same topics at the same
 * time is fine. Resolves with the topics that were missing (created by this call, or by another
 * client at the same moment). `admin` must be connected.
 */
export async function ensureTopics(
  admin: Admin,
  topics: readonly TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const wanted = new Map(topics.map((t) => [t.topic, t.partitions]));
  if (wanted.size === 0) return [];
  const existing = new Set(await admin.listTopics());
  const missing = [...wanted].filter(([topic]) => !existing.has(topic));
  if (missing.length > 0) {
    // Resolves false when another client created some of them first: the wait is the same.
    await admin.createTopics({
      topics: missing.map(([topic, numPartitions]) => ({ topic, numPartitions })),
      waitForLeaders: false,
    });
  }
  let waiting = await notServed(admin, [...wanted.keys()]);
  while (waiting.size > 0) {
    if (Date.now() >= deadline) throw new TopicsNotReadyError(waiting, timeoutMs);
    await delay(options.pollMs ?? 100);
    waiting = await notServed(admin, [...waiting.keys()]);
  }
  return missing.map(([topic]) => topic);
}

/**
 * The topics the brokers do not serve yet, each with the reason. A topic is served when its
 * metadata names a leader for every partition and those leaders answer for their partitions (a
 * ListOffsets of each): in KRaft a broker's metadata may already name it leader while it is still
 * becoming one, and then answers NOT_LEADER_OR_FOLLOWER (kafkajs: NOT_LEADER_FOR_PARTITION). One topic per request: kafkajs fails a
 * whole Metadata request for one unknown topic.
 */
async function notServed(admin: Admin, topics: readonly string[]): Promise<Map<string, string>> {
  const looks = await Promise.all(
    topics.map(async (topic): Promise<[string, string | undefined]> => {
      try {
        const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
        if (!meta || meta.partitions.length === 0) return [topic, 'no partitions yet'];
        const leaderless = meta.partitions.filter((p) => p.leader < 0).length;
        if (leaderless > 0) return [topic, `${String(leaderless)} partitions without a leader`];
        await admin.fetchTopicOffsets(topic);
        return [topic, undefined];
      } catch (error) {
        const reason = notYet[(error as { type?: string }).type ?? ''];
        if (reason) return [topic, reason];
        throw error;
      }
    }),
  );
  return new Map(looks.filter((l): l is [string, string] => l[1] !== undefined));
}

/** What the brokers answer for a topic they are still setting up. */
const notYet: Partial<Record<string, string>> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'not known to the broker yet',
  LEADER_NOT_AVAILABLE: 'no leader yet',
  NOT_LEADER_FOR_PARTITION: 'its leader is not serving it yet',
};
