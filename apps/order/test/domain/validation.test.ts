import {
  decide,
  orderLimits,
  OrderValidationError,
  validatePlaceOrder,
  type FieldError,
  type PlaceOrder,
} from '../../src/domain/index.js';
import { customer, placeOrder, placeOrderData, spec, t0 } from './fixtures.js';

const errorsOf = (overrides: Partial<PlaceOrder['data']>): FieldError[] =>
  validatePlaceOrder(placeOrderData(overrides), t0);
const line = (overrides: Partial<PlaceOrder['data']['lines'][number]> = {}) => ({
  sku: 'SKU-1',
  quantity: 1,
  unitPriceMinor: 100,
  ...overrides,
});

describe('PlaceOrder validation', () => {
  it('accepts the fixture order', () => {
    expect(errorsOf({})).toEqual([]);
  });

  it.each<[string, Partial<PlaceOrder['data']>, FieldError]>([
    ['an empty order id', { orderId: ' ' }, { field: 'orderId', message: 'must not be empty' }],
    [
      'a long order id',
      { orderId: 'x'.repeat(129) },
      { field: 'orderId', message: 'must be at most 128 characters' },
    ],
    [
      'an empty customer id',
      { customer: { ...customer, id: '' } },
      { field: 'customer.id', message: 'must not be empty' },
    ],
    ['an e-mail without @', { customer: { ...customer, email: 'ada.example.com' } }, emailError()],
    ['an e-mail without domain dot', { customer: { ...customer, email: 'ada@localhost' } }, emailError()],
    [
      'an e-mail with a blank',
      { customer: { ...customer, email: 'ada lovelace@example.com' } },
      emailError(),
    ],
    ['an e-mail with two @', { customer: { ...customer, email: 'ada@b@example.com' } }, emailError()],
    [
      'an e-mail with an empty domain label',
      { customer: { ...customer, email: 'ada@example..com' } },
      emailError(),
    ],
    ['an empty e-mail', { customer: { ...customer, email: '' } }, emailError()],
    [
      'a long e-mail',
      { customer: { ...customer, email: `${'a'.repeat(250)}@example.com` } },
      { field: 'customer.email', message: 'must be at most 254 characters' },
    ],
    [
      'a blank name',
      { customer: { ...customer, name: '  ' } },
      { field: 'customer.name', message: 'must not be empty' },
    ],
    [
      'a long name',
      { customer: { ...customer, name: 'n'.repeat(201) } },
      { field: 'customer.name', message: 'must be at most 200 characters' },
    ],
    ['no lines', { lines: [] }, { field: 'lines', message: 'must not be empty' }],
    [
      'too many lines',
      { lines: Array.from({ length: 101 }, (_, i) => line({ sku: `SKU-${i}` })) },
      { field: 'lines', message: 'must have at most 100 lines' },
    ],
    ['an empty sku', { lines: [line({ sku: '' })] }, { field: 'lines[0].sku', message: 'must not be empty' }],
    [
      'a long sku',
      { lines: [line({ sku: 's'.repeat(65) })] },
      { field: 'lines[0].sku', message: 'must be at most 64 characters' },
    ],
    [
      'a repeated sku',
      { lines: [line(), line({ sku: 'SKU-2' }), line()] },
      { field: 'lines[2].sku', message: 'repeats lines[0].sku; put the whole quantity on one line' },
    ],
    ['a zero quantity', { lines: [line({ quantity: 0 })] }, quantityError(0)],
    ['a negative quantity', { lines: [line({ quantity: -1 })] }, quantityError(0)],
    ['a fractional quantity', { lines: [line({ quantity: 1.5 })] }, quantityError(0)],
    ['a NaN quantity', { lines: [line({ quantity: NaN })] }, quantityError(0)],
    ['an unsafe quantity', { lines: [line({ quantity: 2 ** 53 })] }, quantityError(0)],
    [
      'a quantity beyond the contract int',
      { lines: [line({ quantity: 2 ** 31 })] },
      { field: 'lines[0].quantity', message: 'must be at most 2147483647' },
    ],
    ['a quantity given as text', { lines: [line({ quantity: '2' as unknown as number })] }, quantityError(0)],
    ['a negative price', { lines: [line({ unitPriceMinor: -1 })] }, priceError(0)],
    ['a fractional price', { lines: [line({ unitPriceMinor: 9.99 })] }, priceError(0)],
    ['an infinite price', { lines: [line({ unitPriceMinor: Infinity })] }, priceError(0)],
    [
      'a total beyond safe integers',
      { lines: [line({ quantity: 2, unitPriceMinor: Number.MAX_SAFE_INTEGER })] },
      { field: 'lines', message: `total must not exceed ${Number.MAX_SAFE_INTEGER} minor units` },
    ],
    [
      'a sum of lines beyond safe integers',
      {
        lines: [
          line({ quantity: 1, unitPriceMinor: Number.MAX_SAFE_INTEGER }),
          line({ sku: 'SKU-2', quantity: 1, unitPriceMinor: 1 }),
        ],
      },
      { field: 'lines', message: `total must not exceed ${Number.MAX_SAFE_INTEGER} minor units` },
    ],
    ['a lower-case currency', { currency: 'eur' }, currencyError()],
    ['a two-letter currency', { currency: 'EU' }, currencyError()],
    ['a currency with a blank', { currency: 'EUR ' }, currencyError()],
    ['an empty payment token', { paymentToken: '' }, { field: 'paymentToken', message: 'must not be empty' }],
    [
      'a long payment token',
      { paymentToken: 't'.repeat(513) },
      { field: 'paymentToken', message: 'must be at most 512 characters' },
    ],
    ['a deadline now', { deadlineAt: t0 }, { field: 'deadlineAt', message: 'must be later than now' }],
    [
      'a deadline in the past',
      { deadlineAt: t0 - 1 },
      { field: 'deadlineAt', message: 'must be later than now' },
    ],
    [
      'a fractional deadline',
      { deadlineAt: t0 + 0.5 },
      { field: 'deadlineAt', message: 'must be an integer (epoch milliseconds)' },
    ],
  ])('refuses %s', (_what, overrides, expected) => {
    expect(errorsOf(overrides)).toEqual([expected]);
    spec.given([]).when(placeOrder(overrides)).thenThrows(OrderValidationError);
  });

  it('accepts the edges: price 0, the largest quantity, 100 lines, a total of exactly MAX_SAFE_INTEGER', () => {
    expect(errorsOf({ lines: [line({ unitPriceMinor: 0 })] })).toEqual([]);
    expect(errorsOf({ lines: [line({ quantity: orderLimits.maxQuantity })] })).toEqual([]);
    expect(errorsOf({ lines: Array.from({ length: 100 }, (_, i) => line({ sku: `SKU-${i}` })) })).toEqual([]);
    expect(errorsOf({ lines: [line({ quantity: 1, unitPriceMinor: Number.MAX_SAFE_INTEGER })] })).toEqual([]);
    expect(errorsOf({ deadlineAt: t0 + 1 })).toEqual([]);
    expect(errorsOf({ customer: { id: 'c', email: 'a@b.co' } })).toEqual([]);
    expect(errorsOf({ customer: { id: 'c', email: 'a@b.co', name: null } })).toEqual([]);
  });

  it('reports every problem at once, in input order, and says which in the message', () => {
    const bad = placeOrder({
      orderId: '',
      customer: { id: 'c', email: 'nope' },
      lines: [line({ sku: '', quantity: 0 }), line({ unitPriceMinor: -5 })],
      currency: 'euro',
      paymentToken: '',
      deadlineAt: t0 - 1,
    });
    const expected: FieldError[] = [
      { field: 'orderId', message: 'must not be empty' },
      emailError(),
      { field: 'lines[0].sku', message: 'must not be empty' },
      quantityError(0),
      priceError(1),
      currencyError(),
      { field: 'paymentToken', message: 'must not be empty' },
      { field: 'deadlineAt', message: 'must be later than now' },
    ];
    expect(validatePlaceOrder(bad.data, t0)).toEqual(expected);

    spec
      .given([])
      .when(bad)
      .thenThrows(OrderValidationError, /^invalid order: orderId must not be empty; customer\.email must be/);
    const error = thrown(() => decide(bad, { status: 'none' }));
    expect(error).toBeInstanceOf(OrderValidationError);
    expect(error).toMatchObject({ name: 'OrderValidationError', retriable: false, errors: expected });
  });

  it('does not add up a total when a line is already wrong', () => {
    expect(errorsOf({ lines: [line({ quantity: -1, unitPriceMinor: Number.MAX_SAFE_INTEGER })] })).toEqual([
      quantityError(0),
    ]);
  });
});

function emailError(): FieldError {
  return { field: 'customer.email', message: 'must be an e-mail address' };
}
function quantityError(i: number): FieldError {
  return { field: `lines[${i}].quantity`, message: 'must be a positive integer' };
}
function priceError(i: number): FieldError {
  return { field: `lines[${i}].unitPriceMinor`, message: 'must be a non-negative integer (minor units)' };
}
function currencyError(): FieldError {
  return { field: 'currency', message: 'must be an ISO 4217 code of three capital letters' };
}

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
