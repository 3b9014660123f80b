// The one domain file allowed node:crypto: HMAC and a constant-time comparison are not ours to write.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Provider webhook signatures: `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the timestamp (epoch
 * SECONDS, as most providers send it) in its own header. Signing the timestamp with the body stops an
 * attacker from re-dating an old webhook; the tolerance window bounds how old a replay can be.
 *
 * Replays INSIDE the window need storage (remember each accepted signature or event id until the window
 * has passed); that belongs to the application layer's inbox, not to this pure check.
 */

export type WebhookBody = string | Uint8Array;

const SCHEME = 'v1=';
const SIGNATURE = /^v1=[0-9a-fA-F]{64}$/;
const TIMESTAMP = /^[0-9]{1,12}$/;

/**
 * @example
 *   signWebhook('whsec_test', 1_700_000_000, '{"id":"evt_1"}') // → 'v1=5f…'
 */
export function signWebhook(secret: string, timestamp: number, body: WebhookBody): string {
  if (secret === '') throw new Error('webhook secret must not be empty');
  return SCHEME + hmac(secret, String(timestamp), body).toString('hex');
}

export interface VerifyWebhookInput {
  secret: string;
  /** The timestamp header as received (epoch seconds), absent if the request had none. */
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  /** The raw request body, exactly as received: re-serialised JSON would not match. */
  body: WebhookBody;
  /** Epoch milliseconds. */
  now: number;
  /** How far the timestamp may be from `now`, either way (e.g. 300). */
  toleranceSeconds: number;
}

export type WebhookVerification =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch' };

/**
 * Checks, in order: both headers present, well-formed, timestamp within the tolerance, then the
 * signature in constant time.
 *
 * @example
 *   const verdict = verifyWebhook({ secret, timestampHeader: req.headers['webhook-timestamp'],
 *     signatureHeader: req.headers['webhook-signature'], body: req.rawBody, now: Date.now(), toleranceSeconds: 300 });
 *   if (!verdict.ok) throw new UnauthorizedException(verdict.reason);
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  const { secret, timestampHeader, signatureHeader, body, now, toleranceSeconds } = input;
  if (secret === '') throw new Error('webhook secret must not be empty');
  if (!timestampHeader || !signatureHeader) return { ok: false, reason: 'missing' };
  const timestampText = timestampHeader.trim();
  const signatureText = signatureHeader.trim();
  if (!TIMESTAMP.test(timestampText) || !SIGNATURE.test(signatureText))
    return { ok: false, reason: 'malformed' };

  const ageSeconds = now / 1000 - Number(timestampText);
  if (ageSeconds > toleranceSeconds) return { ok: false, reason: 'stale' };
  if (-ageSeconds > toleranceSeconds) return { ok: false, reason: 'future' };

  const expected = hmac(secret, timestampText, body);
  const given = Buffer.from(signatureText.slice(SCHEME.length), 'hex');
  // timingSafeEqual throws on different lengths; the pattern above already fixes it, check anyway.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'mismatch' };
  return { ok: true };
}

function hmac(secret: string, timestamp: string, body: WebhookBody): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}
