import { logLevel, type logCreator } from 'kafkajs';
import type { Logger as Pino } from 'pino';

/** kafkajs logs through the service's pino logger, as JSON lines like everything else. */
export function kafkaLogCreator(logger: Pino): logCreator {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, ...rest } = entry;
      const fields = { namespace, ...rest };
      // Services starting together race to create the shared topics; the loser's "already exists",
      // and the broker not knowing a topic just created, are expected (ensureTopics waits them
      // out, with a deadline), not errors worth an alert.
      if (rest.error === 'Topic creation errors' || isNewTopicLookup(message, rest.error))
        log.debug(fields, message);
      else if (level === logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.info(fields, message);
      else log.debug(fields, message);
    };
}

/** A Metadata response refusing a topic the broker has not learnt of yet (KRaft, just after a create). */
function isNewTopicLookup(message: string, error: unknown): boolean {
  return (
    message.startsWith('Response Metadata') && error === 'This server does not host this topic-partition'
  );
}
