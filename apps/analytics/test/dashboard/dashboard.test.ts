import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventDataByType } from '@acme/contracts';
import { serviceWorld, type ServiceWorld } from '@acme/service/testing';
import { eventually } from '@acme/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AppModule } from '../../src/app.module.js';
import { analyticsConfigSchema, type AnalyticsConfig } from '../../src/config.js';

jest.setTimeout(90_000);

// The whole app in-process on the real stack, its page in Debian's Chromium. Playwright gives every
// launch a fresh temporary profile (it refuses a --user-data-dir argument and passes its own).
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const screenshot = join(import.meta.dirname, '..', '..', '..', '..', '.stack', 'artifacts', 'dashboard.png');

let world: ServiceWorld<AnalyticsConfig> | undefined;
let browser: Browser | undefined;
/** The page stays open after its test: the last one watches it lose the server. */
let openPage: Page | undefined;

beforeAll(async () => {
  world = await serviceWorld({
    service: 'analytics',
    schema: analyticsConfigSchema,
    module: (config) => AppModule.register(config),
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

function app(): ServiceWorld<AnalyticsConfig> {
  if (world === undefined) throw new Error('the app did not start');
  return world;
}

/** OrderPlaced v2, as the order service publishes it; placed 1.5 s ago. */
async function placed(orderId: string, totalMinor: number): Promise<number> {
  const placedAt = Date.now() - 1_500;
  const data: EventDataByType['com.acme.order.placed.v2'] = {
    orderId,
    customer: { id: 'cust-dashboard', email: 'dash@example.com', name: 'Dash Board' },
    lines: [{ sku: 'SKU-DASH', quantity: 2, unitPriceMinor: totalMinor / 2 }],
    currency: 'EUR',
    totalMinor,
    paymentToken: 'tok_dashboard',
    placedAt,
    deadlineAt: placedAt + 60_000,
  };
  await app().tap.publish({ type: 'com.acme.order.placed.v2', subject: orderId, data });
  return placedAt;
}

/** A confirmed order's whole saga, as order, inventory and payment would publish it: 1.2 s long. */
async function confirmedOrder(orderId: string, totalMinor: number): Promise<void> {
  const placedAt = await placed(orderId, totalMinor);
  const reserved: EventDataByType['com.acme.inventory.stock-reserved.v1'] = {
    orderId,
    lines: [{ sku: 'SKU-DASH', quantity: 2 }],
    reservedAt: placedAt + 300,
  };
  const paymentId = `pay-${orderId}`;
  const charged: EventDataByType['com.acme.payment.charged.v1'] = {
    orderId,
    paymentId,
    amountMinor: totalMinor,
    currency: 'EUR',
    chargedAt: placedAt + 900,
  };
  const confirmed: EventDataByType['com.acme.order.confirmed.v1'] = {
    orderId,
    confirmedAt: placedAt + 1_200,
    paymentId,
  };
  const { tap } = app();
  await tap.publish({ type: 'com.acme.inventory.stock-reserved.v1', subject: orderId, data: reserved });
  await tap.publish({ type: 'com.acme.payment.charged.v1', subject: orderId, data: charged });
  await tap.publish({ type: 'com.acme.order.confirmed.v1', subject: orderId, data: confirmed });
}

/** An order cancelled for want of stock, 0.6 s after it was placed. */
async function cancelledOrder(orderId: string, totalMinor: number): Promise<void> {
  const placedAt = await placed(orderId, totalMinor);
  const insufficient: EventDataByType['com.acme.inventory.stock-insufficient.v1'] = {
    orderId,
    shortages: [{ sku: 'SKU-DASH', requested: 2, available: 0 }],
  };
  const cancelled: EventDataByType['com.acme.order.cancelled.v1'] = {
    orderId,
    reason: 'STOCK_INSUFFICIENT',
    detail: 'SKU-DASH: 2 requested, 0 available',
    cancelledAt: placedAt + 600,
  };
  const { tap } = app();
  await tap.publish({
    type: 'com.acme.inventory.stock-insufficient.v1',
    subject: orderId,
    data: insufficient,
  });
  await tap.publish({ type: 'com.acme.order.cancelled.v1', subject: orderId, data: cancelled });
}

/** The raw number behind a figure (its text is formatted for people). */
async function figure(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).getAttribute('data-value')) ?? '';
}

test('serves the page, its assets and Chart.js under a self-only content security policy', async () => {
  const page = await fetch(`${app().url}/dashboard`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toContain('unsafe-inline');

  const chart = await fetch(`${app().url}/dashboard/assets/chart.umd.js`);
  expect(chart.status).toBe(200);
  expect(chart.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(await chart.text()).toContain('Chart.js v4');

  expect((await fetch(`${app().url}/dashboard/assets/..%2Fpackage.json`)).status).toBe(404);
  expect((await fetch(`${app().url}/dashboard/assets/secret.js`)).status).toBe(404);
});

test('the page goes live in Chromium and its figures follow the orders as they flow', async () => {
  if (browser === undefined) throw new Error('Chromium did not start');
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  openPage = page;
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`http ${response.status()}: ${response.url()}`);
  });

  const response = await page.goto(`${app().url}/dashboard`);
  expect(response?.status()).toBe(200);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 30_000 });
  const ordersBefore = Number(await figure(page, 'kpi-orders-total'));
  const revenueBefore = await figure(page, 'kpi-revenue-total');

  const [first, second, third] = [`dash-${randomUUID()}`, `dash-${randomUUID()}`, `dash-${randomUUID()}`];
  await confirmedOrder(first, 4_990);
  await confirmedOrder(second, 12_000);
  await cancelledOrder(third, 3_000);

  // The stream pushes a new snapshot once the projection has the events: no reload, no sleep.
  await eventually(
    async () => {
      const orders = Number(await figure(page, 'kpi-orders-total'));
      const rows = await page.locator('[data-testid="latest-order"][data-order-id^="dash-"]').count();
      const finished = await figure(page, 'kpi-duration-count');
      return orders === ordersBefore + 3 && rows === 3 && finished === '3' ? true : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 250, description: 'the dashboard to show the three new orders' },
  );
  const badge = (orderId: string) =>
    page.locator(`[data-testid="latest-order"][data-order-id="${orderId}"] .badge`).textContent();
  expect([await badge(first), await badge(second), await badge(third)]).toEqual([
    'confirmed',
    'confirmed',
    'cancelled',
  ]);
  expect(revenueBefore).not.toBe('16990 EUR');
  expect(await figure(page, 'kpi-revenue-total')).toBe('16990 EUR');
  expect(await page.getByTestId('kpi-revenue-total').textContent()).toBe('€169.90');
  expect(await figure(page, 'kpi-revenue-hour')).toBe('16990 EUR');
  expect(await figure(page, 'kpi-confirmed-pct')).toBe('66.7');
  expect(await page.getByTestId('kpi-confirmed-pct').textContent()).toBe('66.7%');
  expect(Number(await figure(page, 'kpi-orders-per-minute'))).toBeGreaterThan(0);
  // Durations 0.6, 1.2 and 1.2 s.
  expect(Number(await figure(page, 'kpi-duration-p50'))).toBe(1_200);
  expect(Number(await figure(page, 'kpi-duration-p99'))).toBe(1_200);
  // The charts are Chart.js's: their data, read back from the library.
  const total = (dataset: number) =>
    page.evaluate(
      `Chart.getChart("orders-chart").data.datasets[${dataset}].data.reduce((sum, n) => sum + n, 0)`,
    );
  expect([await total(0), await total(1), await total(2)]).toEqual([3, 2, 1]);
  const outcomeData = await page.evaluate('Chart.getChart("outcome-chart").data.datasets[0].data');
  expect(outcomeData).toEqual([2, 1, 0, 0, 0, 0]);

  await mkdir(join(screenshot, '..'), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  expect(errors).toEqual([]);
});

test('the stream sends a snapshot at once, ends on shutdown, and the page says reconnecting', async () => {
  const response = await fetch(`${app().url}/dashboard/stream`);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  if (response.body === null) throw new Error('no body');
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = '';
  while (!/^data: .*\n\n/m.test(received)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    received += decoder.decode(chunk.value as Uint8Array, { stream: true });
  }
  expect(received).toMatch(/^event: snapshot\n(id: \d+\n)?data: \{"generatedAt"/m);

  // An open event stream must not hold the shutdown: the client sees its stream end.
  const closing = app().close();
  world = undefined;
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
  }
  await closing;
  // The open page notices: its EventSource tries again, and the indicator says so.
  await openPage
    ?.locator('[data-testid="connection"][data-state="reconnecting"]')
    .waitFor({ timeout: 15_000 });
});
