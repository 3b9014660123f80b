import {
  envelopeFromHeaders,
  envelopeToHeaders,
  InvalidEnvelopeError,
  isRetriable,
  PermanentError,
  RetriableError,
  type Envelope,
} from '../../src/index.js';

const envelope: Envelope = {
  id: 'e-1',
  source: '/acme/order',
  type: 'com.acme.order.placed.v2',
  specversion: '1.0',
  time: '2026-11-23T10:00:00.000Z',
  subject: 'o-1',
  correlationid: 'c-1',
  causationid: 'cmd-1',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  hops: 2,
};

/** Headers as kafkajs delivers them: Buffers. */
const consumed = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]));

describe('CloudEvents binary-mode envelope', () => {
  it('writes the fixed header names and reads them back', () => {
    const headers = envelopeToHeaders(envelope);
    expect(headers).toEqual({
      'content-type': 'application/avro',
      ce_id: 'e-1',
      ce_source: '/acme/order',
      ce_type: 'com.acme.order.placed.v2',
      ce_specversion: '1.0',
      ce_time: '2026-11-23T10:00:00.000Z',
      ce_subject: 'o-1',
      correlationid: 'c-1',
      causationid: 'cmd-1',
      traceparent: envelope.traceparent,
      hops: '2',
    });
    expect(envelopeFromHeaders(consumed(headers))).toEqual(envelope);
  });

  it('reads a message without hops or traceparent as hop 0 without trace', () => {
    const { hops: _h, traceparent: _t, ...headers } = envelopeToHeaders(envelope);
    const read = envelopeFromHeaders(consumed(headers));
    expect(read.hops).toBe(0);
    expect(read).not.toHaveProperty('traceparent');
  });

  it.each([
    ['no headers at all', {}, /missing header\(s\) ce_id, ce_source, ce_type/],
    ['a missing subject', { ce_subject: undefined }, /missing header\(s\) ce_subject/],
    ['another spec version', { ce_specversion: '0.3' }, /ce_specversion "0.3" is not 1.0/],
    ['a time that is not one', { ce_time: 'yesterday' }, /ce_time "yesterday" is not a time/],
    ['negative hops', { hops: '-1' }, /hops "-1" is not a non-negative integer/],
  ])('refuses %s with a permanent error naming it', (_what, change, message) => {
    const headers: Record<string, string | undefined> =
      Object.keys(change).length === 0 ? {} : { ...envelopeToHeaders(envelope), ...change };
    const defined = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    const read = () => envelopeFromHeaders(consumed(defined));
    expect(read).toThrow(InvalidEnvelopeError);
    expect(read).toThrow(message);
    expect(isRetriable(catchError(read))).toBe(false);
  });
});

describe('isRetriable', () => {
  it.each([
    ['a RetriableError', new RetriableError('later'), true],
    ['a PermanentError', new PermanentError('never'), false],
    [
      'an error with retriable: false (kafkajs, event store)',
      Object.assign(new Error('x'), { retriable: false }),
      false,
    ],
    ['a serialization failure (40001)', Object.assign(new Error('x'), { code: '40001' }), true],
    ['a deadlock (40P01)', Object.assign(new Error('x'), { code: '40P01' }), true],
    ['a lost connection (08006)', Object.assign(new Error('x'), { code: '08006' }), true],
    ['a unique violation (23505)', Object.assign(new Error('x'), { code: '23505' }), false],
    ['invalid JSON input (22P02)', Object.assign(new Error('x'), { code: '22P02' }), false],
    ['a refused socket', Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), true],
    ['a broken pipe', Object.assign(new Error('x'), { code: 'EPIPE' }), true],
    ['an unexplained error', new TypeError('undefined is not a function'), true],
  ])('%s → %s', (_what, error, expected) => {
    expect(isRetriable(error)).toBe(expected);
  });
});

function catchError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}
