/**
 * The stack parts one command brings up, so that it stops exactly those when it ends — after it
 * succeeded, after a failure at any step (a part that failed to start included), or on a signal
 * while `up` is still starting parts — and never a part it found running.
 *
 * @example
 *   const lease = new StackLease(config);
 *   process.once('SIGINT', () => void lease.release());
 *   await lease.up({ renderer: 'simple' });
 *   // … the command's work …
 *   await lease.release(); // stops what this `up` started; a second call does nothing
 */
import type { StackConfig } from './config.js';
import type { PartName } from './parts/part.js';
import { createParts, down, up, type UpOptions, type UpOutcome } from './stack.js';

export class StackLease {
  private starting: Promise<unknown> | undefined;
  private readonly started = new Set<PartName>();

  constructor(private readonly config: StackConfig) {}

  /** Parts this lease started and will stop (so far: an `up` may still be starting more). */
  get parts(): PartName[] {
    return [...this.started];
  }

  /** The parts this lease started, once an `up` in flight has settled. */
  async settled(): Promise<PartName[]> {
    await this.starting;
    return this.parts;
  }

  /** `up`, remembering every part that was not running before and is now, even when `up` throws. */
  up(options: UpOptions = {}): Promise<Map<PartName, UpOutcome>> {
    const running = () =>
      new Set(createParts(this.config).flatMap((p) => (p.pid() === undefined ? [] : [p.name])));
    const before = running();
    const attempt = (async () => {
      try {
        return await up(this.config, options);
      } finally {
        for (const name of running()) if (!before.has(name)) this.started.add(name);
      }
    })();
    this.starting = attempt.catch(() => undefined);
    return attempt;
  }

  /** Stop the parts this lease started (after an `up` in flight has settled); resolves with their names. */
  async release(): Promise<PartName[]> {
    const parts = await this.settled();
    if (parts.length === 0) return parts;
    this.started.clear();
    await down(this.config, { only: parts });
    return parts;
  }
}
