import { randomUUID } from 'node:crypto';
import { deleteTopics, testStack } from '@acme/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ensureTopics, TopicsNotReadyError } from '../src/index.js';

const kafka = new Kafka({ brokers: testStack().kafkaBrokers, logLevel: logLevel.NOTHING });
const created: string[] = [];
const admins: Admin[] = [];

async function admin(): Promise<Admin> {
  const a = kafka.admin();
  await a.connect();
  admins.push(a);
  return a;
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) await admin();
});

afterAll(async () => {
  await Promise.all(admins.map((a) => a.disconnect()));
  await deleteTopics(kafka, created);
});

describe('ensureTopics', () => {
  it('lets clients that create the same topics at once use them the moment it resolves', async () => {
    // Services starting together on a new cluster: each asks for the shared topics, and each goes
    // straight on to read their offsets — what failed with "does not host this topic-partition".
    const topics = Array.from({ length: 4 }, () => `test.topics.${randomUUID().slice(0, 8)}`);
    created.push(...topics);
    const specs = topics.map((topic) => ({ topic, partitions: 3 }));
    const offsets = await Promise.all(
      admins.map(async (a) => {
        await ensureTopics(a, specs);
        return Promise.all(topics.map((t) => a.fetchTopicOffsets(t)));
      }),
    );
    for (const perTopic of offsets)
      for (const partitions of perTopic) expect(partitions.map((p) => p.high)).toEqual(['0', '0', '0']);
    const { topics: meta } = await (await admin()).fetchTopicMetadata({ topics });
    expect(meta.map((m) => m.partitions.length)).toEqual([3, 3, 3, 3]);
  });

  it('takes an existing topic as it is and says which topics were missing', async () => {
    const [old, fresh] = [
      `test.topics.${randomUUID().slice(0, 8)}`,
      `test.topics.${randomUUID().slice(0, 8)}`,
    ];
    created.push(old, fresh);
    const a = await admin();
    await ensureTopics(a, [{ topic: old, partitions: 1 }]);
    const missing = await ensureTopics(a, [
      { topic: old, partitions: 5 },
      { topic: fresh, partitions: 2 },
    ]);
    expect(missing).toEqual([fresh]);
    const { topics: meta } = await a.fetchTopicMetadata({ topics: [old, fresh] });
    expect(Object.fromEntries(meta.map((m) => [m.name, m.partitions.length]))).toEqual({
      [old]: 1,
      [fresh]: 2,
    });
  });

  it('names every topic it still waits for when the deadline passes', () => {
    const error = new TopicsNotReadyError(
      new Map([
        ['order.events', 'not known to the broker yet'],
        ['payment.events', '2 partitions without a leader'],
      ]),
      30_000,
    );
    expect(error.message).toBe(
      'Kafka topics not ready after 30 s: order.events (not known to the broker yet), payment.events (2 partitions without a leader)',
    );
  });
});
