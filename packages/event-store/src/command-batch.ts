import type { Transaction } from 'kysely';
import { aggregateStreams, maybeSnapshot } from './aggregate.js';
import { appendToStreams, type StreamAppend } from './append.js';
import type { CommandOutcome } from './command.js';
import type { Decider } from './decider.js';
import type { Event, RecordedEvent } from './event.js';

/** One command of a run handled by `handleCommands`. */
export interface BatchCommand<Command> {
  streamId: string;
  command: Command;
  correlationId?: string;
  causationId?: string;
  /** The trace its events belong to (default: the active span's). */
  traceparent?: string;
}

/** A command's outcome in a run, with the state its command was decided on. */
export type BatchOutcome<State, E extends Event> = CommandOutcome<State, E> & { before: State };

export interface HandleCommandsOptions<State, Command, E extends Event> {
  decider: Decider<State, Command, E>;
  /** In the order they are to be decided; a stream may come more than once. */
  commands: readonly BatchCommand<Command>[];
  /**
   * Runs once, after the append, with every command's outcome (in `commands` order): enqueue all
   * their integration events in one statement here.
   */
  afterAppend?: (tx: Transaction<unknown>, outcomes: BatchOutcome<State, E>[]) => Promise<void>;
}

/**
 * A run of commands of one decider in the caller's transaction, set-based: every stream loaded in
 * one statement, each command decided in turn (a second command to a stream sees what the first
 * decided), every stream's new events appended in one statement, then `afterAppend` once. Two
 * round trips for the whole run where `handleCommand` takes two per command.
 *
 * There are no retries here: a domain error from `decide`, or a stream moved by another writer
 * (`ConcurrencyError`, after which the transaction must be rolled back), fails the whole run. It
 * is meant for a consumer's batch, whose runtime then handles the messages one by one with
 * `handleCommand` — so a failure costs a retry of the run, never a wrong or half-done result.
 *
 * @example
 *   const outcomes = await handleCommands(ctx.tx, {
 *     decider: orderDecider,
 *     commands: events.map((e) => ({ streamId: orderStreamId(e.data.orderId), command: toCommand(e) })),
 *     afterAppend: (tx, outcomes) => outbox.publish(tx, outcomes.flatMap(toIntegrationEvents)),
 *   });
 */
export async function handleCommands<State, Command, E extends Event>(
  tx: Transaction<unknown>,
  options: HandleCommandsOptions<State, Command, E>,
): Promise<BatchOutcome<State, E>[]> {
  const { decider, commands } = options;
  const loaded = await aggregateStreams(
    tx,
    commands.map((c) => c.streamId),
    decider,
  );
  // Per stream: where it was read, where its decisions have brought it, and what they decided.
  const streams = new Map<
    string,
    { readAt: number; state: State; version: number; decided: { command: number; events: E[] }[] }
  >();
  for (const [streamId, aggregate] of loaded)
    streams.set(streamId, {
      readAt: aggregate.version,
      state: aggregate.state,
      version: aggregate.version,
      decided: [],
    });
  // Per command: the state it was decided on, and the state and version its events left.
  const decisions = commands.map(({ streamId, command }, i) => {
    const stream = streams.get(streamId);
    if (!stream) throw new Error(`handleCommands: ${streamId} was not loaded`);
    const before = stream.state;
    const events = decider.decide(command, before);
    if (events.length > 0) {
      stream.decided.push({ command: i, events });
      for (const event of events) stream.state = decider.evolve(stream.state, event);
      stream.version += events.length;
    }
    return { streamId, before, state: stream.state, version: stream.version };
  });

  // A part per command that decided something: each carries its own correlation and causation,
  // and a stream's later parts expect the versions its earlier ones leave.
  const appends: (StreamAppend<E> & { command: number })[] = [];
  for (const [streamId, stream] of streams) {
    let expected = stream.readAt;
    for (const { command, events } of stream.decided) {
      const { correlationId, causationId, traceparent } = commands[command] ?? {};
      appends.push({
        command,
        streamId,
        events,
        options: {
          streamType: decider.streamType,
          expectedVersion: expected,
          knownTypes: decider.eventTypes,
          ...(decider.schemaVersions ? { schemaVersions: decider.schemaVersions } : {}),
          ...(correlationId ? { correlationId } : {}),
          ...(causationId ? { causationId } : {}),
          ...(traceparent ? { traceparent } : {}),
        },
      });
      expected += events.length;
    }
  }
  const appended = await appendToStreams(tx, appends);

  const recorded = new Map<number, RecordedEvent<E>[]>();
  appends.forEach((append, i) => recorded.set(append.command, appended[i]?.events ?? []));
  const outcomes = decisions.map(({ streamId, before, state, version }, i): BatchOutcome<State, E> => ({
    streamId,
    events: recorded.get(i) ?? [],
    state,
    before,
    nextExpectedVersion: version,
    replayed: false,
  }));
  for (const [streamId, stream] of streams)
    if (stream.version !== stream.readAt)
      await maybeSnapshot(tx, streamId, decider, stream.state, stream.readAt, stream.version);
  await options.afterAppend?.(tx, outcomes);
  return outcomes;
}
