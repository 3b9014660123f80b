import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook, type WebhookVerification } from '../../src/domain/index.js';

const SECRET = 'whsec_test';
const TIMESTAMP = 1_700_000_000; // epoch seconds
const NOW = TIMESTAMP * 1000; // epoch ms
const BODY = '{"providerPaymentId":"sim_pay_order-1","outcome":"succeeded"}';
const GOOD = signWebhook(SECRET, TIMESTAMP, BODY);

describe('signWebhook', () => {
  it('is v1= and the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', SECRET).update(`${TIMESTAMP}.${BODY}`).digest('hex');
    expect(GOOD).toBe(`v1=${expected}`);
  });

  it('signs raw bytes the same as the string they encode', () => {
    expect(signWebhook(SECRET, TIMESTAMP, Buffer.from(BODY))).toBe(GOOD);
  });

  it('refuses an empty secret', () => {
    expect(() => signWebhook('', TIMESTAMP, BODY)).toThrow(/secret/);
  });
});

describe('verifyWebhook', () => {
  const base = {
    secret: SECRET,
    timestampHeader: String(TIMESTAMP) as string | undefined,
    signatureHeader: GOOD as string | undefined,
    body: BODY as string | Uint8Array,
    now: NOW,
    toleranceSeconds: 300,
  };
  type Reason = Extract<WebhookVerification, { ok: false }>['reason'];
  const fail = (reason: Reason): WebhookVerification => ({ ok: false, reason });

  it.each([
    ['a good signature', {}, { ok: true }],
    ['a good signature over the raw bytes', { body: Buffer.from(BODY) }, { ok: true }],
    ['a signature in upper-case hex', { signatureHeader: `v1=${GOOD.slice(3).toUpperCase()}` }, { ok: true }],
    [
      'headers with surrounding spaces',
      { timestampHeader: ` ${TIMESTAMP} `, signatureHeader: ` ${GOOD}` },
      { ok: true },
    ],
    ['at the edge of the window (old)', { now: NOW + 300_000 }, { ok: true }],
    ['at the edge of the window (early)', { now: NOW - 300_000 }, { ok: true }],
    ['a tampered body', { body: BODY.replace('succeeded', 'failed') }, fail('mismatch')],
    ['a wrong secret', { secret: 'whsec_other' }, fail('mismatch')],
    ['a re-dated timestamp', { timestampHeader: String(TIMESTAMP + 1) }, fail('mismatch')],
    [
      'a signature of another body',
      { signatureHeader: signWebhook(SECRET, TIMESTAMP, '{}') },
      fail('mismatch'),
    ],
    ['a stale timestamp', { now: NOW + 300_001 }, fail('stale')],
    ['a timestamp from the future', { now: NOW - 300_001 }, fail('future')],
    ['no timestamp header', { timestampHeader: undefined }, fail('missing')],
    ['no signature header', { signatureHeader: undefined }, fail('missing')],
    ['an empty signature header', { signatureHeader: '' }, fail('missing')],
    ['a timestamp that is not a number', { timestampHeader: '17e8' }, fail('malformed')],
    [
      'a timestamp in milliseconds beyond 12 digits',
      { timestampHeader: String(NOW * 10) },
      fail('malformed'),
    ],
    ['another scheme', { signatureHeader: GOOD.replace('v1=', 'v0=') }, fail('malformed')],
    ['a short signature', { signatureHeader: GOOD.slice(0, -2) }, fail('malformed')],
    ['a long signature', { signatureHeader: `${GOOD}00` }, fail('malformed')],
    ['non-hex characters', { signatureHeader: `v1=${'z'.repeat(64)}` }, fail('malformed')],
  ])('%s', (_name, override, expected) => {
    expect(verifyWebhook({ ...base, ...override })).toEqual(expected);
  });

  it('refuses to verify with an empty secret (a configuration error, not a bad request)', () => {
    expect(() => verifyWebhook({ ...base, secret: '' })).toThrow(/secret/);
  });
});
