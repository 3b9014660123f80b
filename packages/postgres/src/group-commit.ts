export interface GroupCommitOptions<Item, Result> {
  /** Runs a group in one transaction; the results in the items' order. */
  together(items: readonly Item[]): Promise<Result[]>;
  /** Runs one item in a transaction of its own: a group of one, and each item of a failed group. */
  alone(item: Item): Promise<Result>;
  /** Most items in one group (default 64). */
  maxSize?: number;
  /** Groups in flight at once (default 2: one commits while the next is written). */
  concurrency?: number;
}

/**
 * Group commit for requests that each want a transaction of their own: what arrives while groups
 * are in flight waits and goes in the next group, one transaction (and one fsync) for all of it,
 * written with set-based statements by `together`. An idle service starts a request at once, so
 * grouping adds no latency until there is a queue, and the busier the service, the larger the
 * groups. When a group fails, each of its items runs `alone`, so one bad request fails only itself
 * and every other gets the answer it would have had on its own.
 *
 * @example
 *   const placing = new GroupCommit({
 *     together: (commands) => db.transaction().execute((tx) => placeAll(tx, commands)),
 *     alone: (command) => place(db, command),
 *   });
 *   const outcome = await placing.submit(command);
 */
interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Item, Result> {
  private readonly queue: Waiting<Item, Result>[] = [];
  private running = 0;
  private readonly maxSize: number;
  private readonly concurrency: number;

  constructor(private readonly options: GroupCommitOptions<Item, Result>) {
    this.maxSize = Math.max(1, options.maxSize ?? 64);
    this.concurrency = Math.max(1, options.concurrency ?? 2);
  }

  /** Requests waiting for a group to start (for metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxSize);
      this.running++;
      void this.run(group).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async run(group: Waiting<Item, Result>[]): Promise<void> {
    const [only] = group;
    if (group.length === 1 && only) {
      await this.options.alone(only.item).then(only.resolve, only.reject);
      return;
    }
    let results: Result[];
    try {
      results = await this.options.together(group.map((entry) => entry.item));
    } catch {
      await Promise.all(
        group.map((entry) => this.options.alone(entry.item).then(entry.resolve, entry.reject)),
      );
      return;
    }
    if (results.length !== group.length) {
      const error = new Error(`group commit: ${results.length} results for ${group.length} items`);
      for (const entry of group) entry.reject(error);
      return;
    }
    group.forEach((entry, i) => {
      entry.resolve(results[i] as Result);
    });
  }
}
