import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { logMixin } from '@acme/telemetry';
import { pino, type Logger as Pino } from 'pino';
import type { PlatformConfig } from './config.js';

/** The header a caller sets to tie its request to its own correlation id; echoed on the response. */
export const correlationHeader = 'x-correlation-id';

const redact = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["webhook-signature"]'];

/**
 * The service's root logger: JSON lines with `service`, plus the active trace's `traceId`/`spanId`
 * and the fields of the message being handled (`correlationId`, `subject` = the order id, …).
 */
export function rootLogger(service: string, config: Pick<PlatformConfig, 'LOG_LEVEL'>): Pino {
  return pino({ name: service, level: config.LOG_LEVEL, base: { service }, redact, mixin: logMixin });
}

/**
 * nestjs-pino parameters: each request gets an id (the caller's `x-correlation-id` if it sent a
 * valid one), logged as `correlationId` on every line of the request and echoed in the response.
 */
export function httpLoggingParams(logger: Pino): Params {
  return {
    pinoHttp: {
      logger,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const sent = req.headers[correlationHeader];
        const id = typeof sent === 'string' && /^[\w.:-]{1,128}$/.test(sent) ? sent : randomUUID();
        res.setHeader(correlationHeader, id);
        return id;
      },
      customProps: (req: IncomingMessage) => ({
        correlationId: (req as IncomingMessage & { id: string }).id,
      }),
      // Probes and scrapes every few seconds would drown the log.
      autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
      quietReqLogger: true,
    },
  };
}
