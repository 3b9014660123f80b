/**
 * Errors say whether retrying the same call could succeed (`retriable`), as kafkajs' do: the
 * command handler and the consumer runtime decide between retry and giving up on that alone.
 */
export abstract class EventStoreError extends Error {
  abstract readonly retriable: boolean;
}

/** What the caller expected of the stream's version. */
export type ExpectedVersion = 'any' | 'no-stream' | number;

/**
 * The stream is not at the version the caller decided on. Retrying the same append cannot
 * succeed; the caller must reload the stream and decide again (the command handler does that).
 * An 'any' append that kept losing its version to concurrent ones may succeed later: retriable.
 */
export class ConcurrencyError extends EventStoreError {
  override readonly name = 'ConcurrencyError';
  readonly retriable: boolean;

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's version when the append was refused; 0 when the stream does not exist. */
    readonly actual: number,
  ) {
    super(
      `stream ${streamId}: expected ${describe(expected)}, ` +
        `but it is ${actual === 0 ? 'absent' : `at version ${actual}`}`,
    );
    this.retriable = expected === 'any';
  }
}

function describe(expected: ExpectedVersion): string {
  if (expected === 'no-stream') return 'no stream';
  if (expected === 'any') return 'any version, and lost each one to a concurrent append';
  return `version ${String(expected)}`;
}

/** The append itself is wrong (empty, unknown type, too large, bad version): never retry. */
export class InvalidAppendError extends EventStoreError {
  override readonly name = 'InvalidAppendError';
  readonly retriable = false;

  constructor(
    readonly streamId: string,
    message: string,
  ) {
    super(`stream ${streamId}: ${message}`);
  }
}

/** An idempotency key was reused for a different command. */
export class IdempotencyKeyReusedError extends EventStoreError {
  override readonly name = 'IdempotencyKeyReusedError';
  readonly retriable = false;

  constructor(readonly idempotencyKey: string) {
    super(`idempotency key ${idempotencyKey} was already used for a different command`);
  }
}

/** The handler kept losing the race for a stream; the caller may retry later. */
export class TooManyConflictsError extends EventStoreError {
  override readonly name = 'TooManyConflictsError';
  readonly retriable = true;

  constructor(
    readonly streamId: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(`stream ${streamId}: still conflicting after ${attempts} attempts`, options);
  }
}
