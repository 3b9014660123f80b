import type { Principal } from '@acme/http';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyResult } from 'jose';
import type { PlatformConfig } from '../config.js';

/** A bearer token that does not hold: the reason is a fixed phrase, safe to answer and log. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/** Checks bearer tokens; resolves the principal or throws `InvalidTokenError`. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

type AuthConfig = Pick<
  PlatformConfig,
  'AUTH_JWT_SECRET' | 'AUTH_JWT_SECRET_FILE' | 'AUTH_JWKS_URL' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE'
>;

/** Clocks of the issuer and this service may disagree a little. */
const clockToleranceSeconds = 5;

/**
 * The verifier the configuration asks for: HS256 with the shared secret, or RS256/ES256 against the
 * issuer's JWKS (fetched on first use, cached, re-fetched when a token names an unknown `kid`).
 * Every token must be signed with an allowed algorithm (never `none`, never HS256 with a public
 * key), carry `sub` and `exp`, and name AUTH_ISSUER and AUTH_AUDIENCE.
 *
 * @example
 *   const principal = await tokenVerifier(config).verify(token); // { subject, roles }
 */
export function tokenVerifier(config: AuthConfig): TokenVerifier {
  const claims = {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    requiredClaims: ['sub', 'exp'],
    clockTolerance: clockToleranceSeconds,
  };
  const secret = config.AUTH_JWT_SECRET ?? config.AUTH_JWT_SECRET_FILE;
  let check: (token: string) => Promise<JWTVerifyResult>;
  if (secret !== undefined) {
    const key = new TextEncoder().encode(secret);
    check = (token) => jwtVerify(token, key, { ...claims, algorithms: ['HS256'] });
  } else if (config.AUTH_JWKS_URL !== undefined) {
    const keySet = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), { timeoutDuration: 3_000 });
    check = (token) => jwtVerify(token, keySet, { ...claims, algorithms: ['RS256', 'ES256'] });
  } else {
    throw new Error('no token verification key: set AUTH_JWT_SECRET, AUTH_JWT_SECRET_FILE or AUTH_JWKS_URL');
  }
  return {
    verify: async (token) => {
      try {
        const { payload } = await check(token);
        const roles = Array.isArray(payload.roles)
          ? payload.roles.filter((role): role is string => typeof role === 'string')
          : [];
        if (typeof payload.sub !== 'string' || payload.sub === '')
          throw new InvalidTokenError('token without a subject');
        return { subject: payload.sub, roles };
      } catch (error) {
        throw asInvalidToken(error);
      }
    },
  };
}

/** Why a token was refused, in words that reveal nothing about the key; other errors pass through. */
function asInvalidToken(error: unknown): unknown {
  if (error instanceof InvalidTokenError) return error;
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('token expired');
  if (error instanceof errors.JWTClaimValidationFailed)
    return new InvalidTokenError(
      error.claim === 'iss'
        ? 'wrong issuer'
        : error.claim === 'aud'
          ? 'wrong audience'
          : `claim ${error.claim} invalid`,
    );
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('bad signature');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return new InvalidTokenError('signed by an unknown key');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return new InvalidTokenError('algorithm not allowed');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return new InvalidTokenError('malformed token');
  // The key set could not be fetched (network, timeout, not a JWKS): not the caller's fault.
  return error;
}
