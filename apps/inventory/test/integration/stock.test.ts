// Inventory on the real stack: admin stock, reservations from order events, all-or-none,
// idempotency, concurrency, the CLI.
import { eventually } from '@acme/testing';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/program.js';
import {
  cancelOrder,
  get,
  handled,
  placeOrder,
  post,
  seed,
  startInventory,
  unique,
  type InventoryWorld,
} from './world.js';

jest.setTimeout(60_000);

const added = 'com.acme.inventory.stock-added.v1';
const reserved = 'com.acme.inventory.stock-reserved.v1';
const insufficient = 'com.acme.inventory.stock-insufficient.v1';
const released = 'com.acme.inventory.stock-released.v1';

// Typed as unknown: jest's asymmetric matchers are `any`, which the lint rules keep out.
const anyNumber: unknown = expect.any(Number);
const anyString: unknown = expect.any(String);
const containing = (text: string): unknown => expect.stringContaining(text);

let world: InventoryWorld;

beforeAll(async () => {
  world = await startInventory();
});

afterAll(async () => {
  await world.close();
});

const level = async (sku: string) => (await get(world, `/stock/${sku}`)).body;

describe('POST /admin/stock', () => {
  it('adds stock, answers the figures and publishes stock-added.v1 (subject = sku)', async () => {
    const sku = unique('SEED');
    const first = await post(world, '/admin/stock', { sku, quantity: 10, name: 'Widget' });
    expect(first).toEqual({
      status: 201,
      body: { sku, name: 'Widget', onHand: 10, reserved: 0, available: 10 },
    });
    const more = await post(world, '/admin/stock', { sku, quantity: 5 });
    expect(more.body).toEqual({ sku, name: 'Widget', onHand: 15, reserved: 0, available: 15 });

    const event = await world.tap.waitFor(added, sku);
    expect(event.data).toEqual({ sku, quantity: 10, onHand: 10, addedAt: anyNumber });
    await eventually(() => Promise.resolve(world.tap.about(sku, added).length === 2 ? true : undefined));
    expect(world.tap.about(sku, added).map((e) => e.data.onHand)).toEqual([10, 15]);
  });

  it('adds several SKUs at once with { items }', async () => {
    const [a, b] = [unique('MULTI-A'), unique('MULTI-B')];
    const res = await post(world, '/admin/stock', {
      items: [
        { sku: b, quantity: 2 },
        { sku: a, quantity: 1 },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.items).toEqual([
      { sku: b, name: null, onHand: 2, reserved: 0, available: 2 },
      { sku: a, name: null, onHand: 1, reserved: 0, available: 1 },
    ]);
    await world.tap.waitFor(added, a);
    await world.tap.waitFor(added, b);
  });

  it.each([
    [
      'zero quantity',
      { sku: 'OK-1', quantity: 0 },
      [{ field: 'quantity', message: 'must be a positive integer' }],
    ],
    [
      'fractional quantity',
      { sku: 'OK-1', quantity: 1.5 },
      [{ field: 'quantity', message: 'must be a positive integer' }],
    ],
    [
      'quantity as text',
      { sku: 'OK-1', quantity: '3' },
      [{ field: 'quantity', message: 'must be a positive integer' }],
    ],
    ['empty sku', { sku: '', quantity: 1 }, [{ field: 'sku', message: 'must not be empty' }]],
    ['sku with spaces', { sku: 'A B', quantity: 1 }, [{ field: 'sku', message: containing('letters') }]],
    ['unknown field', { sku: 'OK-1', quantity: 1, colour: 'red' }, [{ field: '(body)', message: anyString }]],
    ['empty items', { items: [] }, [{ field: 'items', message: 'must not be empty' }]],
    [
      'a bad item among good ones',
      {
        items: [
          { sku: 'OK-1', quantity: 1 },
          { sku: 'OK-2', quantity: -1 },
        ],
      },
      [{ field: 'items.1.quantity', message: 'must be a positive integer' }],
    ],
    ['not an object', [1, 2], [{ field: '(body)', message: containing('expected') }]],
  ])('refuses %s with 400 and field errors, writing nothing', async (_, body, errors) => {
    const res = await post(world, '/admin/stock', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errors });
    expect((await get(world, '/stock/OK-1')).status).toBe(404);
    expect((await get(world, '/stock/OK-2')).status).toBe(404);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await post(world, '/admin/stock', '{"sku": ');
    expect(res).toMatchObject({
      status: 400,
      body: { errors: [{ field: '(body)', message: 'malformed JSON' }] },
    });
  });

  it('refuses stock beyond what the contracts can carry, and adds none of the batch', async () => {
    const [fine, full] = [unique('FINE'), unique('FULL')];
    await seed(world, full, 2_000_000_000);
    const res = await post(world, '/admin/stock', {
      items: [
        { sku: fine, quantity: 1 },
        { sku: full, quantity: 200_000_000 },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'items.1.quantity', message: containing('beyond') }]);
    expect((await get(world, `/stock/${fine}`)).status).toBe(404);
    expect(await level(full)).toMatchObject({ onHand: 2_000_000_000 });
    const single = await post(world, '/admin/stock', { sku: full, quantity: 200_000_000 });
    expect(single.body.errors).toEqual([{ field: 'quantity', message: containing('beyond') }]);
  });
});

describe('GET /stock', () => {
  it('answers 404 for an unknown SKU and lists every SKU', async () => {
    expect((await get(world, `/stock/${unique('NOPE')}`)).status).toBe(404);
    const sku = unique('LISTED');
    await seed(world, sku, 3);
    const list = await get(world, '/stock');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual({ sku, name: null, onHand: 3, reserved: 0, available: 3 });
    const skus = (list.body.items as { sku: string }[]).map((i) => i.sku);
    expect(skus).toEqual([...skus].sort());
  });
});

describe('who may do what', () => {
  it('takes stock only from an admin: no token 401, a customer 403, nothing added', async () => {
    const sku = unique('GUARDED');
    const anonymous = await fetch(`${world.url}/admin/stock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku, quantity: 5 }),
    });
    expect(anonymous.status).toBe(401);
    const customer = await world.auth({ subject: 'cust-1', roles: [] });
    expect((await post(world, '/admin/stock', { sku, quantity: 5 }, customer)).status).toBe(403);
    expect((await get(world, `/stock/${sku}`)).status).toBe(404);
  });

  it('shows stock figures to any authenticated caller', async () => {
    const sku = unique('VISIBLE');
    await seed(world, sku, 2);
    const customer = await world.auth({ subject: 'cust-1', roles: [] });
    expect((await get(world, `/stock/${sku}`, customer)).body).toMatchObject({ sku, available: 2 });
    expect((await fetch(`${world.url}/stock/${sku}`)).status).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents the stock and admin endpoints', async () => {
    const res = await fetch(`${world.url}/docs/json`);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { summary?: string; security?: unknown; responses?: object }>>;
      components?: { securitySchemes?: Record<string, unknown> };
    };
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/admin/stock']?.post?.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.paths['/admin/stock']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['401', '403']),
    );
    expect(doc.paths['/health/live']?.get?.security).toBeUndefined();
    expect(doc.paths['/admin/stock']?.post?.summary).toBe('Add stock to one SKU or several');
    expect(doc.paths['/stock']?.get?.summary).toEqual(anyString);
    expect(doc.paths['/stock/{sku}']?.get?.summary).toEqual(anyString);
  });
});

describe('OrderPlaced → reservation', () => {
  it('reserves every line and publishes stock-reserved.v1 with the lines', async () => {
    const [a, b, order] = [unique('RES-A'), unique('RES-B'), unique('order')];
    await seed(world, a, 5);
    await seed(world, b, 5);
    await placeOrder(world, order, [
      { sku: b, quantity: 1 },
      { sku: a, quantity: 2 },
    ]);
    const event = await world.tap.waitFor(reserved, order);
    expect(event.data).toEqual({
      orderId: order,
      lines: [
        { sku: a, quantity: 2 },
        { sku: b, quantity: 1 },
      ].sort((x, y) => (x.sku < y.sku ? -1 : 1)),
      reservedAt: anyNumber,
    });
    expect(await level(a)).toMatchObject({ onHand: 5, reserved: 2, available: 3 });
    expect(await level(b)).toMatchObject({ onHand: 5, reserved: 1, available: 4 });
  });

  it('reserves nothing when one line falls short, and publishes stock-insufficient.v1', async () => {
    const [plenty, scarce, order] = [unique('PLENTY'), unique('SCARCE'), unique('order')];
    await seed(world, plenty, 10);
    await seed(world, scarce, 1);
    await placeOrder(world, order, [
      { sku: plenty, quantity: 3 },
      { sku: scarce, quantity: 2 },
    ]);
    const event = await world.tap.waitFor(insufficient, order);
    expect(event.data).toEqual({ orderId: order, shortages: [{ sku: scarce, requested: 2, available: 1 }] });
    expect(await level(plenty)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect(await level(scarce)).toMatchObject({ onHand: 1, reserved: 0, available: 1 });
    expect(world.tap.about(order, reserved)).toEqual([]);
  });

  it('treats an unknown SKU as none available', async () => {
    const [ghost, order] = [unique('GHOST'), unique('order')];
    await placeOrder(world, order, [{ sku: ghost, quantity: 1 }]);
    const event = await world.tap.waitFor(insufficient, order);
    expect(event.data).toEqual({ orderId: order, shortages: [{ sku: ghost, requested: 1, available: 0 }] });
    expect((await get(world, `/stock/${ghost}`)).status).toBe(404);
  });

  it('keeps correlation and sets causation to the consumed event', async () => {
    const [sku, order] = [unique('CAUSE'), unique('order')];
    await seed(world, sku, 1);
    const placedId = await placeOrder(world, order, [{ sku, quantity: 1 }]);
    const event = await world.tap.waitFor(reserved, order);
    expect(event.envelope).toMatchObject({ correlationid: placedId, causationid: placedId, subject: order });
  });
});

describe('idempotency', () => {
  it('reserves once when the same OrderPlaced (same event id) is delivered twice', async () => {
    const [sku, order] = [unique('DUP'), unique('order')];
    await seed(world, sku, 10);
    const id = await placeOrder(world, order, [{ sku, quantity: 3 }]);
    await placeOrder(world, order, [{ sku, quantity: 3 }], id);
    // Same key, same partition: once the cancellation is answered, both copies were handled.
    await cancelOrder(world, order);
    await world.tap.waitFor(released, order);
    expect(world.tap.about(order, reserved)).toHaveLength(1);
    expect(world.tap.about(order, released)).toHaveLength(1);
    expect(world.tap.about(order, released)[0]?.data.lines).toEqual([{ sku, quantity: 3 }]);
    expect(await level(sku)).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
  });

  it('answers an order once when OrderPlaced is published again under a new event id', async () => {
    const [sku, order] = [unique('AGAIN'), unique('order')];
    await seed(world, sku, 10);
    await placeOrder(world, order, [{ sku, quantity: 4 }]);
    await world.tap.waitFor(reserved, order);
    const again = await placeOrder(world, order, [{ sku, quantity: 4 }]);
    await eventually(async () => ((await handled(world, again)) ? true : undefined));
    expect(world.tap.about(order, reserved)).toHaveLength(1);
    expect(await level(sku)).toMatchObject({ reserved: 4, available: 6 });
  });
});

describe('OrderCancelled → release', () => {
  it('gives the units back and publishes stock-released.v1', async () => {
    const [sku, order] = [unique('REL'), unique('order')];
    await seed(world, sku, 4);
    await placeOrder(world, order, [{ sku, quantity: 4 }]);
    await world.tap.waitFor(reserved, order);
    expect(await level(sku)).toMatchObject({ reserved: 4, available: 0 });

    await cancelOrder(world, order);
    const event = await world.tap.waitFor(released, order);
    expect(event.data).toEqual({
      orderId: order,
      lines: [{ sku, quantity: 4 }],
      releasedAt: anyNumber,
    });
    expect(await level(sku)).toMatchObject({ onHand: 4, reserved: 0, available: 4 });
  });

  it('publishes nothing for a refused order', async () => {
    const [sku, order] = [unique('REFUSED'), unique('order')];
    await placeOrder(world, order, [{ sku, quantity: 1 }]);
    await world.tap.waitFor(insufficient, order);
    const cancel = await cancelOrder(world, order);
    await eventually(async () => ((await handled(world, cancel)) ? true : undefined));
    expect(world.tap.about(order, released)).toEqual([]);
  });

  it('remembers a cancellation that came first, so a later OrderPlaced holds nothing', async () => {
    const [sku, order] = [unique('EARLY'), unique('order')];
    await seed(world, sku, 5);
    const cancel = await cancelOrder(world, order);
    await eventually(async () => ((await handled(world, cancel)) ? true : undefined));
    const placed = await placeOrder(world, order, [{ sku, quantity: 2 }]);
    await eventually(async () => ((await handled(world, placed)) ? true : undefined));
    expect(world.tap.about(order)).toEqual([
      expect.objectContaining({ type: 'com.acme.order.cancelled.v1' }),
      expect.objectContaining({ type: 'com.acme.order.placed.v2' }),
    ]);
    expect(await level(sku)).toMatchObject({ onHand: 5, reserved: 0, available: 5 });
  });
});

describe('concurrency', () => {
  it('50 one-unit orders on a SKU with 20 units: exactly 20 reserved, 30 insufficient', async () => {
    const sku = unique('HOT');
    await seed(world, sku, 20);
    const orders = Array.from({ length: 50 }, (_, i) => unique(`hot-${i}`));
    await Promise.all(orders.map((order) => placeOrder(world, order, [{ sku, quantity: 1 }])));
    const answers = await eventually(
      () => {
        const all = orders.map((o) => [...world.tap.about(o, reserved), ...world.tap.about(o, insufficient)]);
        return Promise.resolve(all.every((a) => a.length > 0) ? all.flat() : undefined);
      },
      { timeoutMs: 45_000, description: 'an answer to each of 50 orders' },
    );
    expect(answers).toHaveLength(50);
    expect(answers.filter((a) => a.type === reserved)).toHaveLength(20);
    expect(answers.filter((a) => a.type === insufficient)).toHaveLength(30);
    expect(await level(sku)).toEqual({ sku, name: null, onHand: 20, reserved: 20, available: 0 });
  });
});

describe('CLI seed', () => {
  let token: string;
  beforeAll(async () => {
    token = await world.token();
  });

  const io = (env: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        env: { INVENTORY_URL: world.url, INVENTORY_TOKEN: token, ...env },
        out: (t: string) => out.push(t),
        err: (t: string) => err.push(t),
      },
    };
  };

  it('adds stock from flags and prints the figures', async () => {
    const [a, b] = [unique('CLI-A'), unique('CLI-B')];
    const run = io();
    const code = await runCli(
      ['seed', '--sku', a, '--quantity', '100', '--sku', b, '--quantity', '5'],
      run.io,
    );
    expect({ code, err: run.err.join('') }).toEqual({ code: 0, err: '' });
    expect(run.out.join('')).toBe(
      `${a}: on hand 100, reserved 0, available 100\n${b}: on hand 5, reserved 0, available 5\n`,
    );
    expect(await level(b)).toMatchObject({ onHand: 5 });
    await world.tap.waitFor(added, a);
  });

  it('adds stock from a JSON file', async () => {
    const sku = unique('CLI-FILE');
    const dir = await mkdtemp(join(tmpdir(), 'inventory-seed-'));
    const file = join(dir, 'stock.json');
    await writeFile(file, JSON.stringify([{ sku, quantity: 7, name: 'From file' }]));
    const run = io();
    expect(await runCli(['seed', '--file', file, '--json'], run.io)).toBe(0);
    expect(JSON.parse(run.out.join(''))).toEqual([
      { sku, name: 'From file', onHand: 7, reserved: 0, available: 7 },
    ]);
  });

  it('explains wrong usage, refused input and an unreachable service', async () => {
    let run = io();
    expect(await runCli(['seed', '--sku', 'A', '--sku', 'B', '--quantity', '1'], run.io)).toBe(2);
    expect(run.err.join('')).toContain('each --sku needs its --quantity');

    run = io();
    expect(await runCli(['seed', '--sku', 'A', '--quantity', 'lots'], run.io)).toBe(2);
    expect(run.err.join('')).toContain('must be a positive integer');

    run = io();
    expect(await runCli(['seed', '--sku', 'has space', '--quantity', '1'], run.io)).toBe(2);
    expect(run.err.join('')).toContain('items.0.sku');

    run = io();
    expect(
      await runCli(['seed', '--sku', 'A', '--quantity', '1', '--url', 'http://127.0.0.1:9'], run.io),
    ).toBe(1);
    expect(run.err.join('')).toContain('cannot reach the inventory service at http://127.0.0.1:9');
  });

  it('needs an admin token, and adds nothing without one', async () => {
    const sku = unique('CLI-NOAUTH');
    let run = io({ INVENTORY_TOKEN: '' });
    expect(await runCli(['seed', '--sku', sku, '--quantity', '1'], run.io)).toBe(2);
    expect(run.err.join('')).toContain('--token <jwt> or INVENTORY_TOKEN');
    run = io();
    const customer = await world.token({ subject: 'cust-1', roles: [] });
    expect(await runCli(['seed', '--sku', sku, '--quantity', '1', '--token', customer], run.io)).toBe(2);
    expect(run.err.join('')).toContain('refused the token (403)');
    expect((await get(world, `/stock/${sku}`)).status).toBe(404);
  });
});
