/**
 * A level-triggered wake-up: a notification that arrives while the relay is busy is kept, so the
 * next wait returns at once instead of sleeping through it.
 */
export class Wakeup {
  private pending = false;
  private wake: (() => void) | undefined;

  notify(): void {
    if (this.wake) this.wake();
    else this.pending = true;
  }

  /** Resolves on a notification (possibly one already pending) with true, or after `ms` with false. */
  wait(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const done = (notified: boolean) => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(notified);
      };
      const timer = setTimeout(() => {
        done(false);
      }, ms);
      this.wake = () => {
        done(true);
      };
    });
  }
}
