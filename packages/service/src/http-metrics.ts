import type { IncomingMessage, ServerResponse } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Registry } from 'prom-client';
import { counter, histogram } from './metrics.js';

const noRoute = Symbol('noRoute');

/** What Express adds to a request that the middleware reads (typed here: no express dependency). */
interface ExpressRequest extends IncomingMessage {
  /** The URL's path, relative to where the middleware is mounted (the app root here). */
  path: string;
  /** The mount path of the router that matched (empty: Nest registers routes on the app itself). */
  baseUrl?: string;
  /** The route the router last dispatched to. */
  route?: { path?: unknown };
  /** Set when the request reached Nest's not-found handler. */
  [noRoute]?: true;
}

type Middleware = (req: ExpressRequest, res: ServerResponse, next: () => void) => void;

/** What a request that matched no route is counted as. */
const unmatchedRoute = 'unmatched';

/**
 * RED metrics of the HTTP API: `http_requests_total` and `http_request_duration_seconds`, labelled
 * `method`, `route` (the matched route pattern, `/orders/:id` — never the raw URL, whose ids would
 * make a series per order) and `status`. A request no route took — Nest's 404 for an unknown path
 * or method, a body the JSON parser refused before routing — is `route="unmatched"`; a 404 a route
 * answered keeps its route. `/metrics` and `/health/*` are not observed: scrapes and probes every
 * few seconds would drown the traffic that matters.
 *
 * Mount it first, so every other layer's answers are timed too, on an app built with
 * `MeteredExpressAdapter` (without it, a 404 no route took may be counted under a middleware's
 * path). Idempotent per registry.
 */
export function httpMetrics(registry: Registry): Middleware {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = counter(registry, {
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, matched route pattern and status code',
    labelNames,
  });
  const duration = histogram(registry, {
    name: 'http_request_duration_seconds',
    help: 'Time from the request reaching the app until its response was handed to the OS',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  return (req, res, next) => {
    if (operational(req.path)) {
      next();
      return;
    }
    const end = duration.startTimer();
    // `finish`, not `close`: a request the client aborted before the answer is not counted.
    res.once('finish', () => {
      const labels = { method: req.method ?? 'UNKNOWN', route: routeOf(req), status: String(res.statusCode) };
      requests.inc(labels);
      end(labels);
    });
    next();
  };
}

function operational(path: string): boolean {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '/metrics' || trimmed === '/health' || trimmed.startsWith('/health/');
}

/**
 * The route pattern as registered (`/orders/:id/cancel`), under its router's mount path. Express
 * leaves `req.route` and `req.baseUrl` in place once the route has answered, so they are still
 * there on `finish`.
 */
function routeOf(req: ExpressRequest): string {
  const path = req.route?.path;
  return typeof path === 'string' && !req[noRoute] ? `${req.baseUrl ?? ''}${path}` : unmatchedRoute;
}

/**
 * Nest's Express adapter, telling the HTTP metrics which requests no controller route took.
 * `req.route` alone cannot: Nest mounts middleware bound to paths as Express `all()` routes
 * (nestjs-pino's request logging on `{/*splat}`), so a request no controller route matches still
 * carries the last such middleware route when Nest's not-found handler answers it.
 */
export class MeteredExpressAdapter extends ExpressAdapter {
  override setNotFoundHandler(...[handler, ...rest]: Parameters<ExpressAdapter['setNotFoundHandler']>): void {
    const notFound = handler as Middleware;
    const marked: Middleware = (req, res, next) => {
      req[noRoute] = true;
      notFound(req, res, next);
    };
    super.setNotFoundHandler(marked, ...rest);
  }
}
