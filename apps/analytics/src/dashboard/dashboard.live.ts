import { Inject, Injectable, Logger, type MessageEvent, type OnModuleDestroy } from '@nestjs/common';
import { EMPTY, interval, map, merge, Subject, takeUntil, type Observable } from 'rxjs';
import { READ_MODEL, type ReadModel } from '../analytics.tokens.js';
import { loadSnapshot, type DashboardSnapshot } from './dashboard.snapshot.js';
import { snapshotStream } from './snapshot-stream.js';

const CHECK_EVERY_MS = 1_000;
/** Proxies and load balancers close connections that stay silent; a comment line keeps it open. */
const KEEP_ALIVE_MS = 15_000;

/** The snapshot without its timestamp: what decides whether the page needs a new one. */
function changeKey({ generatedAt: _, ...figures }: DashboardSnapshot): string {
  return JSON.stringify(figures);
}

/**
 * The dashboard's live feed: one shared poll of the read model (once a second, only while a page
 * listens) turned into server-sent events per client, plus keep-alive comments. Every client's
 * stream completes on shutdown, so open connections never hold the server's close.
 */
@Injectable()
export class DashboardLive implements OnModuleDestroy {
  private readonly logger = new Logger(DashboardLive.name);
  private readonly closing = new Subject<void>();
  private stopped = false;
  private lastError: string | undefined;
  private readonly snapshots: Observable<DashboardSnapshot>;

  constructor(@Inject(READ_MODEL) readModel: ReadModel) {
    this.snapshots = snapshotStream(
      async () => {
        const snapshot = await loadSnapshot(readModel, new Date());
        this.lastError = undefined;
        return snapshot;
      },
      {
        intervalMs: CHECK_EVERY_MS,
        key: changeKey,
        onError: (error) => {
          this.failed(error);
        },
      },
    );
  }

  /** One client's events: a snapshot at once and on every change, keep-alives in between. */
  events(): Observable<MessageEvent> {
    if (this.stopped) return EMPTY;
    return merge(
      this.snapshots.pipe(map((snapshot): MessageEvent => ({ type: 'snapshot', data: snapshot }))),
      interval(KEEP_ALIVE_MS).pipe(map((): MessageEvent => ({ comment: 'keep-alive' }))),
    ).pipe(takeUntil(this.closing));
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.closing.next();
    this.closing.complete();
  }

  /** Logged once per distinct failure, not once a second while it lasts. */
  private failed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (message === this.lastError) return;
    this.lastError = message;
    this.logger.warn(`dashboard snapshot failed: ${message}`);
  }
}
