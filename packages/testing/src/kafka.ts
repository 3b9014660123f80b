import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { withDeadline } from './wait.js';

/**
 * Read a topic from the beginning, in a consumer group of its own, until `done(messages)` holds —
 * or fail after `ms` naming the topic. Returns every message received, duplicates included.
 *
 * @example
 *   const messages = await consumeUntil(kafka, 'order.events', (m) => m.length >= 10);
 */
export async function consumeUntil(
  kafka: Kafka,
  topic: string,
  done: (messages: KafkaMessage[]) => boolean,
  ms = 60_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
  await consumer.connect();
  const messages: KafkaMessage[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const finished = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: ({ batch }) => {
          messages.push(...batch.messages);
          if (done(messages)) resolve();
          return Promise.resolve();
        },
      });
    });
    await withDeadline(finished, ms, `consuming ${topic}`);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

/** Create a topic with a random name under `prefix`; returns the name. */
export async function createTopic(kafka: Kafka, prefix: string, partitions = 3): Promise<string> {
  const topic = `${prefix}.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Delete every topic whose name starts with `prefix` (a test run's own topics and DLQs). */
export async function deleteTopicsWithPrefix(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let ours: string[];
  try {
    ours = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
  } finally {
    await admin.disconnect();
  }
  await deleteTopics(kafka, ours);
}

export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] });
  } finally {
    await admin.disconnect();
  }
}
