import { SignJWT, type CryptoKey, type JWK, type KeyObject } from 'jose';

export interface TestTokenOptions {
  /** HS256 secret (AUTH_JWT_SECRET), or a private key for RS256/ES256 (with `alg`). */
  secret: string | CryptoKey | KeyObject | JWK | Uint8Array;
  /** Default HS256 for a string secret. */
  alg?: 'HS256' | 'RS256' | 'ES256';
  /** Key id in the header (how a JWKS verifier picks the key). */
  kid?: string;
  /** `sub`: the customer id, or an operator's name. */
  subject: string;
  /** The `roles` claim, e.g. `['admin']`; default none. */
  roles?: readonly string[];
  /** A jose time span (`'5m'`, `'-1h'` for an expired token) or seconds; default 5 minutes. */
  expiresIn?: string | number;
  /** Default `acme`, the platform's AUTH_ISSUER default. */
  issuer?: string;
  /** Default `acme-api`, the platform's AUTH_AUDIENCE default. */
  audience?: string;
}

/**
 * A bearer token the platform accepts (or, with a wrong secret, issuer or a past expiry, one it
 * refuses), for tests and local tools.
 *
 * @example
 *   const token = await signTestToken({ secret, subject: 'cust-1' });
 *   const admin = await signTestToken({ secret, subject: 'ops', roles: ['admin'] });
 *   await fetch(url, { headers: { authorization: `Bearer ${token}` } });
 */
export async function signTestToken(options: TestTokenOptions): Promise<string> {
  const alg = options.alg ?? 'HS256';
  const key = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  const expiresIn = options.expiresIn ?? '5m';
  return new SignJWT({ roles: [...(options.roles ?? [])] })
    .setProtectedHeader({ alg, typ: 'JWT', ...(options.kid === undefined ? {} : { kid: options.kid }) })
    .setSubject(options.subject)
    .setIssuer(options.issuer ?? 'acme')
    .setAudience(options.audience ?? 'acme-api')
    .setIssuedAt()
    .setExpirationTime(typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn)
    .sign(key);
}

/** `{ authorization: 'Bearer <token>' }`, to spread into fetch headers. */
export const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });
