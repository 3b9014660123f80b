/** The part of a pino logger our background workers use (relay, deadline worker); any structured logger fits. */
export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const nothing = (): void => undefined;

export const silentLogger: Logger = { info: nothing, warn: nothing, error: nothing };
