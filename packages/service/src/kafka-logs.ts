import { logLevel, type logCreator } from 'kafkajs';
import type { Logger as Pino } from 'pino';

/** kafkajs logs through the service's pino logger, as JSON lines like everything else. */
export function kafkaLogCreator(logger: Pino): logCreator {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }) => {
      const { message, ...rest } = entry;
      const fields = { namespace, ...rest };
      // Services starting together race to create the shared topics; the loser's "already exists"
      // is expected (ensureTopics checks the outcome), not an error worth an alert.
      if (rest.error === 'Topic creation errors') log.debug(fields, message);
      else if (level === logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.info(fields, message);
      else log.debug(fields, message);
    };
}
