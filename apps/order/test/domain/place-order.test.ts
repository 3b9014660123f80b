import { decide, OrderAlreadyExistsError, OrderValidationError } from '../../src/domain/index.js';
import {
  at,
  cancelledByCustomer,
  confirmed,
  customer,
  orderPlaced,
  placed,
  placeOrder,
  shipped,
  spec,
  t0,
} from './fixtures.js';

describe('PlaceOrder', () => {
  it('places a new order with its total, placement time and deadline', () => {
    spec.given([]).when(placeOrder()).then([orderPlaced()]);
  });

  it('records a missing customer name as null', () => {
    const { name: _name, ...anonymous } = customer;
    const [event] = decide(placeOrder({ customer: anonymous }), { status: 'none' });
    expect(event?.type === 'OrderPlaced' && event.data.customer).toEqual({ ...anonymous, name: null });
  });

  it('keeps only the fields of a line, in the order given', () => {
    const extra = [
      { sku: 'B', quantity: 1, unitPriceMinor: 0, note: 'gift' },
      { sku: 'A', quantity: 3, unitPriceMinor: 7 },
    ];
    const [event] = decide(placeOrder({ lines: extra }), { status: 'none' });
    expect(event?.type === 'OrderPlaced' && event.data).toMatchObject({
      lines: [
        { sku: 'B', quantity: 1, unitPriceMinor: 0 },
        { sku: 'A', quantity: 3, unitPriceMinor: 7 },
      ],
      totalMinor: 21,
    });
  });

  describe.each([
    ['placed', placed],
    ['confirmed', confirmed],
    ['shipped', shipped],
    ['cancelled', cancelledByCustomer],
  ])('when the order is already %s', (_status, history) => {
    it('does nothing for the same order placed again, even later with a later deadline', () => {
      spec.given(history).when(placeOrder()).thenNothing();
      spec
        .given(history)
        .when(placeOrder({ deadlineAt: at(30) }, at(5)))
        .thenNothing();
    });

    it.each([
      ['another customer', { customer: { ...customer, id: 'cust-2' } }],
      ['another e-mail', { customer: { ...customer, email: 'bob@example.com' } }],
      ['another name', { customer: { ...customer, name: 'Bob' } }],
      ['another quantity', { lines: [{ sku: 'SKU-1', quantity: 3, unitPriceMinor: 1999 }] }],
      [
        'another price',
        {
          lines: [
            { sku: 'SKU-1', quantity: 2, unitPriceMinor: 1 },
            { sku: 'SKU-2', quantity: 1, unitPriceMinor: 500 },
          ],
        },
      ],
      ['fewer lines', { lines: [{ sku: 'SKU-1', quantity: 2, unitPriceMinor: 1999 }] }],
      [
        'lines swapped',
        {
          lines: [
            { sku: 'SKU-2', quantity: 1, unitPriceMinor: 500 },
            { sku: 'SKU-1', quantity: 2, unitPriceMinor: 1999 },
          ],
        },
      ],
      ['another currency', { currency: 'USD' }],
      ['another payment token', { paymentToken: 'tok_other' }],
    ])('refuses the same id with %s', (_what, overrides) => {
      spec
        .given(history)
        .when(placeOrder(overrides))
        .thenThrows(OrderAlreadyExistsError, /ord-1 already exists/);
    });
  });

  it('treats an absent customer name and a null one as the same', () => {
    const { name: _name, ...anonymous } = customer;
    spec
      .given([
        { type: 'OrderPlaced', data: { ...orderPlacedData(), customer: { ...anonymous, name: null } } },
      ])
      .when(placeOrder({ customer: anonymous }))
      .thenNothing();
  });

  it('validates before looking at the stream: a bad retry is a 400, not a conflict', () => {
    spec
      .given(placed)
      .when(placeOrder({ currency: 'eur' }))
      .thenThrows(OrderValidationError, /currency must be an ISO 4217 code/);
  });

  it('refuses a deadline that is not in the future', () => {
    spec
      .given([])
      .when(placeOrder({ deadlineAt: t0 }))
      .thenThrows(OrderValidationError, /deadlineAt must be later than now/);
  });
});

function orderPlacedData() {
  const event = orderPlaced();
  if (event.type !== 'OrderPlaced') throw new Error('fixture');
  return event.data;
}
