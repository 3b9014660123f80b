/** The CI check and the release script, on scratch copies of schemas/ broken on purpose. */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AvroRecordSchema } from '../src/index.js';
import { checkContracts } from '../tools/check.js';
import { readReleased, releasedPath } from '../tools/released.js';
import { release } from '../tools/release.js';
import { copySchemas, type SchemaCopy } from './support.js';

const order = 'order.events';
const confirmed = 'com.acme.order.confirmed.v1';
const shipped = 'com.acme.order.shipped.v1';

let copy: SchemaCopy;
beforeEach(() => (copy = copySchemas()));
afterEach(() => {
  copy.remove();
});

const problems = () => checkContracts(copy.root).problems;
const withField = (schema: AvroRecordSchema, field: object): AvroRecordSchema => ({
  ...schema,
  fields: [...schema.fields, field as AvroRecordSchema['fields'][number]],
});

it('passes on the committed schemas', () => {
  const released = Object.values(readReleased(copy.root) ?? {});
  expect(checkContracts(copy.root)).toMatchObject({
    types: released.length,
    revisions: released.reduce((n, entry) => n + Object.keys(entry.sha256).length, 0),
    problems: [],
    unreleased: [],
  });
});

it('fails when a released file changed, and says to add a revision instead', () => {
  const path = copy.file(order, shipped, '001.avsc');
  writeFileSync(path, readFileSync(path, 'utf8').replace('When the order was shipped.', 'Shipped at.'));
  expect(problems()).toEqual([
    expect.stringMatching(
      /com\.acme\.order\.shipped\.v1\/001\.avsc changed after it was released.*add a new revision instead/,
    ),
  ]);
});

it('lets Prettier reformat a released file: the digest is of the JSON, not its layout', () => {
  const path = copy.file(order, shipped, '001.avsc');
  writeFileSync(path, JSON.stringify(JSON.parse(readFileSync(path, 'utf8'))));
  expect(problems()).toEqual([]);
});

it('fails when a revision cannot read data of the last released one', () => {
  const current = copy.read(order, confirmed, '002.avsc');
  copy.write(
    order,
    confirmed,
    '003.avsc',
    withField(current, { name: 'warehouse', type: 'string', doc: 'Ships from.' }),
  );
  expect(problems()).toEqual([
    expect.stringContaining('003.avsc is not BACKWARD compatible with 001.avsc'),
    expect.stringContaining('003.avsc is not BACKWARD compatible with the last released revision 002.avsc'),
  ]);
});

it('accepts an additive revision with a default, reports it unreleased, and release freezes it', () => {
  const current = copy.read(order, confirmed, '002.avsc');
  const field = {
    name: 'warehouse',
    type: ['null', 'string'],
    default: null,
    doc: 'Ships from; null if unknown.',
  };
  copy.write(order, confirmed, '003.avsc', withField(current, field));
  expect(checkContracts(copy.root)).toMatchObject({ problems: [], unreleased: [`${confirmed} 003.avsc`] });

  expect(release(copy.root)).toEqual([`${confirmed} 003.avsc`]);
  expect(readReleased(copy.root)?.[confirmed]?.revision).toBe(3);
  expect(checkContracts(copy.root)).toMatchObject({ problems: [], unreleased: [] });

  copy.write(order, confirmed, '003.avsc', withField(current, { ...field, doc: 'Changed after release.' }));
  expect(problems()).toEqual([expect.stringContaining('003.avsc changed after it was released')]);
});

it('refuses to release while the check fails', () => {
  const current = copy.read(order, shipped, '001.avsc');
  copy.write(
    order,
    shipped,
    '002.avsc',
    withField(current, { name: 'carrier', type: 'string', doc: 'Carrier.' }),
  );
  const before = readFileSync(releasedPath(copy.root), 'utf8');
  expect(() => release(copy.root)).toThrow(/cannot release, fix these first:\n- .*002\.avsc is not BACKWARD/);
  expect(readFileSync(releasedPath(copy.root), 'utf8')).toBe(before);
});

it('fails when a released revision or type is deleted', () => {
  rmSync(copy.file(order, confirmed, '002.avsc'));
  rmSync(join(copy.root, 'schemas', order, shipped), { recursive: true });
  expect(problems()).toEqual([
    `${confirmed}: released revision 002.avsc is missing: released revisions are never deleted`,
    `${shipped} was released and its folder is gone: a released type is never removed`,
  ]);
});

it('fails without released.json, and release writes it', () => {
  rmSync(releasedPath(copy.root));
  expect(problems()).toEqual([expect.stringContaining('schemas/released.json is missing')]);
  release(copy.root);
  expect(problems()).toEqual([]);
});

it('reports a badly named revision file and a gap in the numbering', () => {
  renameSync(copy.file(order, confirmed, '002.avsc'), copy.file(order, confirmed, '003.avsc'));
  writeFileSync(copy.file(order, shipped, 'v2.avsc'), '{}');
  expect(problems()).toEqual(
    expect.arrayContaining([
      `schemas/${order}/${confirmed}/003.avsc: revisions are numbered without gaps from 001`,
      `schemas/${order}/${shipped}/v2.avsc: a revision file is named 001.avsc, 002.avsc, …`,
    ]),
  );
});

describe('conventions', () => {
  const unreleased = (schema: AvroRecordSchema) => {
    copy.write(order, shipped, '002.avsc', schema);
    return problems().map((p) =>
      p.replace(/^schemas\/order\.events\/com\.acme\.order\.shipped\.v1\/002\.avsc: /, ''),
    );
  };
  const current = () => copy.read(order, shipped, '001.avsc');

  it('refuses float and double, wherever they nest', () => {
    const fee = { name: 'fee', type: ['null', 'double'], default: null, doc: 'A fee.' };
    const parcel = {
      type: 'record',
      name: 'Parcel',
      doc: 'A box.',
      fields: [{ name: 'kg', type: 'float', doc: 'Weight.' }],
    };
    const parcels = { name: 'parcels', type: { type: 'array', items: parcel }, default: [], doc: 'Boxes.' };
    expect(unreleased(withField(withField(current(), fee), parcels))).toEqual([
      'field fee is a double: money is long minor units and an ISO 4217 currency, never a float',
      'field parcels[].kg is a float: money is long minor units and an ISO 4217 currency, never a float',
    ]);
  });

  it('wants a doc on every field, timestamp-millis for *At and long for *Minor', () => {
    const fields = [
      { name: 'deliveredAt', type: ['null', 'long'], default: null },
      { name: 'feeMinor', type: ['null', 'int'], default: null, doc: 'Fee.' },
    ];
    expect(
      unreleased({ ...current(), fields: [...current().fields, ...fields] as AvroRecordSchema['fields'] }),
    ).toEqual([
      'field deliveredAt has no doc',
      'field deliveredAt is a point in time: { "type": "long", "logicalType": "timestamp-millis" }',
      'field feeMinor is an amount in minor units: "long"',
    ]);
  });

  it('keeps the record name: a renamed record would be another subject', () => {
    expect(unreleased({ ...current(), name: 'OrderShipment' })).toEqual(
      expect.arrayContaining([
        'the record is named com.acme.order.Shipped or com.acme.order.OrderShipped, not com.acme.order.OrderShipment',
      ]),
    );
  });

  it('wants its subject (orderId or sku) on every event', () => {
    expect(
      unreleased({ ...current(), fields: current().fields.filter((f) => f.name !== 'orderId') }),
    ).toEqual(expect.arrayContaining(['every event carries its subject, orderId or sku, as a string']));
  });

  it('puts a type under its domain topic, with a v2 record name for a v2 type', () => {
    copy.write('payment.events', 'com.acme.order.returned.v2', '001.avsc', {
      ...current(),
      name: 'OrderReturned',
    });
    expect(problems()).toEqual([
      'com.acme.order.returned.v2: is published on order.events, so it belongs in schemas/order.events/',
      'schemas/payment.events/com.acme.order.returned.v2/001.avsc: the record is named com.acme.order.ReturnedV2 or com.acme.order.OrderReturnedV2, not com.acme.order.OrderReturned',
    ]);
  });
});
