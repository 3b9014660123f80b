import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { PermanentError, RetriableError, UndecodableError, UnknownSchemaError } from './errors.js';

/** What the codec needs to know of one integration event type (`@acme/contracts` provides these). */
export interface Contract {
  /** CloudEvents type, e.g. `com.acme.order.placed.v1`. */
  readonly type: string;
  readonly topic: string;
  /** Registry subject: topic + record name (`order.events-com.acme.order.OrderPlaced`). */
  readonly subject: string;
  /** The current Avro schema: what this service writes, and the reader schema when it reads. */
  readonly schema: object;
}

interface Writer {
  id: number;
  type: avro.Type;
}

const magicByte = 0;
const prefixBytes = 5;

/**
 * Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), schemas held in
 * the registry. Encoding is synchronous once `prepare` has registered the service's own schemas at
 * start-up, so a command's transaction never waits for the registry. Decoding resolves the writer's
 * schema (looked up by id, cached) into this service's reader schema, so an additive change on
 * either side is read with defaults filled in.
 *
 * @example
 *   const codec = new AvroCodec(new SchemaRegistry({ host }), contracts);
 *   await codec.prepare(['com.acme.order.placed.v1']);
 *   const bytes = codec.encode('com.acme.order.placed.v1', data);
 *   const same = await codec.decode('com.acme.order.placed.v1', bytes);
 */
export class AvroCodec {
  private readonly contracts = new Map<string, Contract>();
  private readonly readers = new Map<string, avro.Type>();
  private readonly writers = new Map<string, Writer>();
  // One resolver per (writer schema id, reader type): building one walks both schemas.
  private readonly resolvers = new Map<string, Promise<(bytes: Buffer) => unknown>>();

  constructor(
    private readonly registry: SchemaRegistry,
    contracts: Iterable<Contract>,
  ) {
    for (const contract of contracts) this.contracts.set(contract.type, contract);
  }

  /** Register (idempotently) the schemas of the types this service publishes and cache their ids. */
  async prepare(types: Iterable<string>): Promise<void> {
    for (const type of types) {
      if (this.writers.has(type)) continue;
      const contract = this.contract(type);
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(contract.schema) },
        { subject: contract.subject },
      );
      this.writers.set(type, { id, type: this.reader(type) });
    }
  }

  /** The registry id `prepare` got for a type's schema. */
  schemaId(type: string): number {
    return this.writer(type).id;
  }

  /** Encode `data` as `type`; throws a `PermanentError` naming the invalid fields. */
  encode(type: string, data: unknown): Buffer {
    const writer = this.writer(type);
    const invalid: string[] = [];
    if (!writer.type.isValid(data, { errorHook: (path) => invalid.push(path.join('.') || '(root)') }))
      throw new PermanentError(`${type}: invalid value at ${invalid.join(', ')}`);
    const prefix = Buffer.alloc(prefixBytes);
    prefix.writeUInt8(magicByte, 0);
    prefix.writeInt32BE(writer.id, 1);
    return Buffer.concat([prefix, writer.type.toBuffer(data)]);
  }

  /**
   * Decode a value written as `type`. Not our wire format or unreadable Avro → `UndecodableError`;
   * a schema id the registry does not know → `UnknownSchemaError` (both permanent); the registry
   * unreachable → `RetriableError`.
   */
  async decode(type: string, value: Buffer | null): Promise<unknown> {
    if (!value || value.length < prefixBytes || value.readUInt8(0) !== magicByte)
      throw new UndecodableError('value is not in the Confluent wire format (magic byte 0 + schema id)');
    const schemaId = value.readInt32BE(1);
    const read = await this.resolver(schemaId, type);
    try {
      return read(value.subarray(prefixBytes));
    } catch (error) {
      throw new UndecodableError(`Avro body does not match schema ${schemaId}: ${String(error)}`, {
        cause: error,
      });
    }
  }

  private resolver(schemaId: number, type: string): Promise<(bytes: Buffer) => unknown> {
    const key = `${schemaId}/${type}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      resolver = this.buildResolver(schemaId, type);
      // A failed lookup (registry down) must be tried again next time, not cached.
      resolver.catch(() => this.resolvers.delete(key));
      this.resolvers.set(key, resolver);
    }
    return resolver;
  }

  private async buildResolver(schemaId: number, type: string): Promise<(bytes: Buffer) => unknown> {
    const writer = await this.writerSchema(schemaId);
    if (!this.contracts.has(type)) return (bytes) => writer.fromBuffer(bytes) as unknown;
    const reader = this.reader(type);
    let resolver: avro.Resolver;
    try {
      resolver = reader.createResolver(writer);
    } catch (error) {
      throw new UndecodableError(`schema ${schemaId} cannot be read as ${type}: ${String(error)}`, {
        cause: error,
      });
    }
    return (bytes) => reader.fromBuffer(bytes, resolver) as unknown;
  }

  private async writerSchema(schemaId: number): Promise<avro.Type> {
    try {
      return (await this.registry.getSchema(schemaId)) as avro.Type;
    } catch (error) {
      // The client reports a 404 for an unknown id, and (oddly) a 400 when it cannot connect.
      if ((error as { status?: unknown }).status === 404) throw new UnknownSchemaError(schemaId);
      throw new RetriableError(`schema registry lookup of id ${schemaId} failed: ${String(error)}`, {
        cause: error,
      });
    }
  }

  private reader(type: string): avro.Type {
    let reader = this.readers.get(type);
    if (!reader) {
      reader = avro.Type.forSchema(this.contract(type).schema as avro.Schema);
      this.readers.set(type, reader);
    }
    return reader;
  }

  private writer(type: string): Writer {
    const writer = this.writers.get(type);
    if (!writer) throw new Error(`${type} was not prepared: call codec.prepare([...types]) at start-up`);
    return writer;
  }

  private contract(type: string): Contract {
    const contract = this.contracts.get(type);
    if (!contract) throw new PermanentError(`no contract for event type ${type}`);
    return contract;
  }
}
