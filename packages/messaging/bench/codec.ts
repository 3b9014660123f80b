/**
 * `pnpm --filter @acme/messaging bench codec`: AvroCodec encoding and decoding a realistic
 * OrderPlaced v2 (three lines) beside `JSON.stringify` + `Buffer.from` and `JSON.parse` of the same
 * object, in the same process and rounds. Encoding is after `prepare` (schema id cached), decoding
 * after the first decode built the writer→reader resolver, as in a running service.
 */
import { deepStrictEqual } from 'node:assert/strict';
import type { TestStack } from '@acme/testing';
import type { BenchCase, Benchmark } from '@acme/testing/bench';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { AvroCodec } from '../src/index.js';
import { benchContract, benchTopic, deleteSubjects, orderData, orderPlaced } from './fixture.js';

export interface CodecBenchSizes {
  /** Encodes or decodes per measured run. */
  ops: number;
}

export const defaultSizes: CodecBenchSizes = { ops: 200_000 };

/** Progress is reported every this many operations, so the bar costs nothing measurable. */
const step = 2_000;

export async function codecCases(
  stack: TestStack,
  sizes: CodecBenchSizes = defaultSizes,
  report: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<{ cases: BenchCase[]; close(): Promise<void> }> {
  const contract = benchContract(benchTopic('bench.codec'));
  const registry = new SchemaRegistry({ host: stack.schemaRegistryUrl });
  const codec = new AvroCodec(registry, [contract]);
  const data = orderData('8d1f0c6e-3b7a-4f59-9a51-2f4e6c0b7d13', 7);
  const jsonBytes = Buffer.from(JSON.stringify(data));
  let avroBytes: Buffer;
  try {
    await codec.prepare([orderPlaced]);
    avroBytes = codec.encode(orderPlaced, data);
    // Builds and caches the resolver; and the figures are only worth anything if the bytes round-trip
    // (avsc decodes to class instances, hence through JSON).
    deepStrictEqual(JSON.parse(JSON.stringify(await codec.decode(orderPlaced, avroBytes))), data);
    deepStrictEqual(JSON.parse(jsonBytes.toString('utf8')), data);
  } catch (error) {
    await deleteSubjects(stack.schemaRegistryUrl, [contract.subject]);
    throw error;
  }
  const sizeNote =
    `encoded OrderPlaced v2 (3 lines): Avro ${String(avroBytes.length)} bytes ` +
    `(5-byte wire prefix + ${String(avroBytes.length - 5)} body), JSON ${String(jsonBytes.length)} bytes ` +
    `(Avro is ${((100 * avroBytes.length) / jsonBytes.length).toFixed(0)}% of JSON)`;
  report(sizeNote);

  // Every result feeds this, so no loop is optimised away; checked once at the end.
  let sink = 0;
  const loop = async (
    progress: (done: number, total: number) => void,
    op: () => number | Promise<number>,
  ): Promise<number> => {
    for (let done = 0; done < sizes.ops;) {
      const end = Math.min(sizes.ops, done + step);
      for (; done < end; done++) sink = (sink + (await op())) | 0;
      progress(done, sizes.ops);
    }
    return sizes.ops;
  };
  // Only the Avro decode is asynchronous (the resolver may need the registry), so only it is awaited
  // per operation; the others go through a synchronous loop.
  const syncLoop = (progress: (done: number, total: number) => void, op: () => number): number => {
    for (let done = 0; done < sizes.ops;) {
      const end = Math.min(sizes.ops, done + step);
      for (; done < end; done++) sink = (sink + op()) | 0;
      progress(done, sizes.ops);
    }
    return sizes.ops;
  };

  const jsonEncode: BenchCase = {
    name: `JSON.stringify → Buffer (${String(jsonBytes.length)} B)`,
    unit: 'encodes',
    run: (progress) => Promise.resolve(syncLoop(progress, () => Buffer.from(JSON.stringify(data)).length)),
  };
  const avroEncode: BenchCase = {
    name: `AvroCodec.encode (${String(avroBytes.length)} B)`,
    unit: 'encodes',
    baseline: jsonEncode.name,
    run: (progress) => Promise.resolve(syncLoop(progress, () => codec.encode(orderPlaced, data).length)),
  };
  const jsonDecode: BenchCase = {
    name: `Buffer → JSON.parse (${String(jsonBytes.length)} B)`,
    unit: 'decodes',
    run: (progress) =>
      Promise.resolve(
        syncLoop(progress, () => (JSON.parse(jsonBytes.toString('utf8')) as typeof data).lines.length),
      ),
  };
  const avroDecode: BenchCase = {
    name: `await AvroCodec.decode (${String(avroBytes.length)} B)`,
    unit: 'decodes',
    baseline: jsonDecode.name,
    run: (progress) =>
      loop(progress, async () => ((await codec.decode(orderPlaced, avroBytes)) as typeof data).lines.length),
  };

  return {
    cases: [jsonEncode, avroEncode, jsonDecode, avroDecode],
    async close() {
      report(`\n${sizeNote}`);
      if (sink === Number.MIN_SAFE_INTEGER) report('(unreachable: keeps the results alive)');
      await deleteSubjects(stack.schemaRegistryUrl, [contract.subject]);
    },
  };
}

export const codecBenchmark: Benchmark = {
  description: 'AvroCodec encode/decode of an OrderPlaced v2 beside JSON.stringify/JSON.parse; sizes',
  prepare: (stack) => codecCases(stack),
};
