import { compileFilter, type EventFilter } from '../filter/index.js';
import type { Handler, UpcastStep } from './handler.js';

export interface Subscription<DB> {
  handler: Handler<DB>;
  filter: EventFilter | undefined;
}

/** Where a type on the wire goes: the handlers' type, the upcasts that lead there, and who subscribed. */
export interface Route<DB> {
  type: string;
  chain: UpcastStep[];
  subscriptions: Subscription<DB>[];
  /** The subscriptions' handlers, built once. */
  handlers: Handler<DB>[];
  /** Whether any subscription has a filter (if none, nothing is evaluated per message). */
  filtered: boolean;
}

/**
 * Routes wire types to subscriptions. A type with subscribers is delivered as it is; an older
 * version without any is lifted along the upcasters until a subscribed version is reached. Filters
 * are compiled here, so an invalid pattern stops the service at start-up with its reason.
 */
export class Router<DB> {
  private readonly byType = new Map<string, Subscription<DB>[]>();
  private readonly routes = new Map<string, Route<DB> | undefined>();

  constructor(
    handlers: readonly Handler<DB>[],
    private readonly upcasters: Readonly<Record<string, UpcastStep>> = {},
  ) {
    for (const handler of handlers) {
      const filter = handler.filter === undefined ? undefined : compileFilter(handler.filter);
      const list = this.byType.get(handler.type) ?? [];
      list.push({ handler, filter });
      this.byType.set(handler.type, list);
    }
  }

  /** Types the handlers subscribe to. */
  get types(): string[] {
    return [...this.byType.keys()];
  }

  route(wireType: string): Route<DB> | undefined {
    if (this.routes.has(wireType)) return this.routes.get(wireType);
    const chain: UpcastStep[] = [];
    let type = wireType;
    const seen = new Set([type]);
    let subscriptions = this.byType.get(type);
    while (!subscriptions) {
      const step = this.upcasters[type];
      if (!step || seen.has(step.to)) break;
      chain.push(step);
      type = step.to;
      seen.add(type);
      subscriptions = this.byType.get(type);
    }
    const route = subscriptions
      ? {
          type,
          chain,
          subscriptions,
          handlers: subscriptions.map((s) => s.handler),
          filtered: subscriptions.some((s) => s.filter !== undefined),
        }
      : undefined;
    this.routes.set(wireType, route);
    return route;
  }
}
