import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  type DynamicModule,
  type INestApplication,
  type NestApplicationOptions,
} from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { pino } from 'pino';
import {
  BearerAuthGuard,
  ConfigError,
  loadConfig,
  platformConfigSchema,
  Principal,
  Public,
  RequireRole,
  TOKEN_VERIFIER,
  tokenVerifier,
} from '../src/index.js';
import { ROOT_LOGGER } from '../src/platform.internal-tokens.js';
import { bearer, signTestToken } from '../src/testing/index.js';

// The platform's guard on a bare Nest app: what it lets through and what it answers otherwise.
// No database or Kafka needed; the platform's own wiring is covered by platform.test.ts.

const secret = randomBytes(32).toString('hex');

/** What the admin route wrote: a refused request must not add to it. */
const written: string[] = [];

@Controller()
class ThingsController {
  @Get('things')
  mine(@Principal() caller: Principal): Principal {
    return caller;
  }

  @Post('things')
  @HttpCode(201)
  @RequireRole('admin')
  add(@Principal() caller: Principal): { ok: true } {
    written.push(caller.subject);
    return { ok: true };
  }

  @Get('open')
  @Public()
  open(): { open: true } {
    return { open: true };
  }
}

@Public()
@Controller('probe')
class ProbeController {
  @Get()
  probe(): string {
    return 'up';
  }
}

function authModule(env: Record<string, string>): DynamicModule {
  const config = loadConfig('auth-test', platformConfigSchema({ port: 0, database: 'x' }), {
    DATABASE_URL: 'postgres://u:p@127.0.0.1:1',
    KAFKA_BROKERS: '127.0.0.1:1',
    SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1',
    ...env,
  });
  @Module({
    controllers: [ThingsController, ProbeController],
    providers: [
      { provide: TOKEN_VERIFIER, useValue: tokenVerifier(config) },
      { provide: ROOT_LOGGER, useValue: pino({ level: 'silent' }) },
      { provide: APP_GUARD, useClass: BearerAuthGuard },
    ],
  })
  class AuthTestModule {}
  return { module: AuthTestModule };
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest types its options as a class
const quiet: NestApplicationOptions = { logger: false, abortOnError: false };

async function start(env: Record<string, string>): Promise<{ app: INestApplication; url: string }> {
  const app = await NestFactory.create(authModule(env), quiet);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

interface Answer {
  status: number;
  challenge: string | null;
  body: Record<string, unknown>;
}

async function call(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(url, { method, headers });
  const text = await res.text();
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    body: (text.startsWith('{') ? JSON.parse(text) : { text }) as Record<string, unknown>,
  };
}

const customer = (options: Partial<Parameters<typeof signTestToken>[0]> = {}) =>
  signTestToken({ secret, subject: 'cust-1', ...options });
const admin = (options: Partial<Parameters<typeof signTestToken>[0]> = {}) =>
  signTestToken({ secret, subject: 'ops-1', roles: ['admin'], ...options });

describe('bearer authentication (HS256)', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await start({ AUTH_JWT_SECRET: secret }));
  });
  afterAll(() => app.close());

  it('answers 401 with a bare Bearer challenge when there is no token', async () => {
    const answer = await call(`${url}/things`, 'GET');
    expect(answer).toEqual({
      status: 401,
      challenge: 'Bearer',
      body: {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'a bearer token is required (Authorization: Bearer <jwt>)',
      },
    });
    expect((await call(`${url}/things`, 'GET', { authorization: 'Basic dXNlcjpwdw==' })).challenge).toBe(
      'Bearer',
    );
  });

  it.each([
    ['malformed', () => Promise.resolve('not-a-jwt'), 'malformed token'],
    [
      'signed with another secret',
      () => customer({ secret: randomBytes(32).toString('hex') }),
      'bad signature',
    ],
    ['expired', () => customer({ expiresIn: -60 }), 'token expired'],
    ['from another issuer', () => customer({ issuer: 'someone-else' }), 'wrong issuer'],
    ['for another audience', () => customer({ audience: 'other-api' }), 'wrong audience'],
  ])('answers 401 invalid_token to a token %s', async (_, mint, reason) => {
    const answer = await call(`${url}/things`, 'GET', bearer(await mint()));
    expect(answer.status).toBe(401);
    expect(answer.challenge).toBe(`Bearer error="invalid_token", error_description="${reason}"`);
    expect(answer.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: `invalid bearer token: ${reason}`,
    });
  });

  it('refuses an unsigned token (alg none) and one without an expiry', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = { sub: 'cust-1', roles: ['admin'], iss: 'acme', aud: 'acme-api', exp: 4_102_444_800 };
    const unsigned = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    expect((await call(`${url}/things`, 'POST', bearer(unsigned))).status).toBe(401);
    const { SignJWT } = await import('jose');
    const forever = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ops-1')
      .setIssuer('acme')
      .setAudience('acme-api')
      .sign(new TextEncoder().encode(secret));
    expect((await call(`${url}/things`, 'POST', bearer(forever))).status).toBe(401);
    expect(written).toEqual([]);
  });

  it('gives the handler the principal from the token', async () => {
    const answer = await call(`${url}/things`, 'GET', bearer(await customer({ roles: ['reader'] })));
    expect(answer).toMatchObject({ status: 200, body: { subject: 'cust-1', roles: ['reader'] } });
  });

  it('answers 403 to a customer on an admin route, and nothing is written', async () => {
    const answer = await call(`${url}/things`, 'POST', bearer(await customer()));
    expect(answer).toEqual({
      status: 403,
      challenge: null,
      body: { statusCode: 403, error: 'Forbidden', message: 'requires the admin role' },
    });
    expect(written).toEqual([]);
  });

  it('lets an admin through', async () => {
    expect((await call(`${url}/things`, 'POST', bearer(await admin()))).status).toBe(201);
    expect(written).toEqual(['ops-1']);
  });

  it('needs no token on a @Public route or controller', async () => {
    expect((await call(`${url}/open`, 'GET')).status).toBe(200);
    expect((await call(`${url}/probe`, 'GET')).status).toBe(200);
  });
});

describe('bearer authentication (JWKS)', () => {
  let app: INestApplication;
  let url: string;
  let jwks: Server;
  let jwksUrl: string;
  const keys: { rsa?: CryptoKey; ec?: CryptoKey; stranger?: CryptoKey } = {};
  let fetches = 0;

  beforeAll(async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const ec = await generateKeyPair('ES256', { extractable: true });
    const stranger = await generateKeyPair('RS256', { extractable: true });
    keys.rsa = rsa.privateKey;
    keys.ec = ec.privateKey;
    keys.stranger = stranger.privateKey;
    const published: JWK[] = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    jwks = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    ({ app, url } = await start({ AUTH_JWKS_URL: jwksUrl }));
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const signed = (key: CryptoKey | undefined, alg: 'RS256' | 'ES256', kid: string, roles: string[] = []) => {
    if (!key) throw new Error('keys not generated');
    return signTestToken({ secret: key, alg, kid, subject: 'cust-9', roles });
  };

  it('accepts RS256 and ES256 tokens signed by keys of the set', async () => {
    expect(
      await call(`${url}/things`, 'GET', bearer(await signed(keys.rsa, 'RS256', 'rsa-1'))),
    ).toMatchObject({
      status: 200,
      body: { subject: 'cust-9' },
    });
    expect(
      (await call(`${url}/things`, 'POST', bearer(await signed(keys.ec, 'ES256', 'ec-1', ['admin'])))).status,
    ).toBe(201);
    expect(fetches).toBeGreaterThanOrEqual(1);
  });

  it('answers 401 to a token signed by a key that is not in the set', async () => {
    for (const kid of ['stranger', 'rsa-1']) {
      const answer = await call(`${url}/things`, 'GET', bearer(await signed(keys.stranger, 'RS256', kid)));
      expect(answer.status).toBe(401);
      expect(answer.challenge).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it('answers 401 to an HS256 token, even one "signed" with the public key material', async () => {
    if (!keys.rsa) throw new Error('keys not generated');
    const material = JSON.stringify(await exportJWK(keys.rsa));
    const answer = await call(
      `${url}/things`,
      'GET',
      bearer(await signTestToken({ secret: material, subject: 'x' })),
    );
    expect(answer).toMatchObject({
      status: 401,
      body: { message: 'invalid bearer token: algorithm not allowed' },
    });
  });
});

describe('authentication configuration', () => {
  const base = {
    DATABASE_URL: 'postgres://u:p@h:5432',
    KAFKA_BROKERS: 'a:1',
    SCHEMA_REGISTRY_URL: 'http://r:8081',
  };
  const schema = platformConfigSchema({ port: 1, database: 'x' });
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig('auth', schema, { ...base, ...env });
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems;
    }
  };

  it('refuses to start without a key, with a short secret, or with two keys — naming the variable, never the value', () => {
    expect(problems({})).toEqual([
      {
        variable: 'AUTH_JWT_SECRET',
        message: 'required: set one of AUTH_JWT_SECRET, AUTH_JWT_SECRET_FILE or AUTH_JWKS_URL',
      },
    ]);
    const short = 'short-secret-value';
    const tooShort = problems({ AUTH_JWT_SECRET: short });
    expect(tooShort.map((p) => p.variable)).toEqual(['AUTH_JWT_SECRET']);
    expect(JSON.stringify(tooShort)).not.toContain(short);
    expect(problems({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://idp.example/jwks' })).toEqual([
      { variable: 'AUTH_JWKS_URL', message: expect.stringContaining('set only one of') as unknown },
    ]);
  });

  it('reads the secret from AUTH_JWT_SECRET_FILE, and says so when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-'));
    writeFileSync(join(dir, 'secret'), `${secret}\n`);
    const config = loadConfig('auth', schema, { ...base, AUTH_JWT_SECRET_FILE: join(dir, 'secret') });
    expect(config.AUTH_JWT_SECRET_FILE).toBe(secret);
    expect(config).toMatchObject({ AUTH_ISSUER: 'acme', AUTH_AUDIENCE: 'acme-api' });
    writeFileSync(join(dir, 'short'), 'abc');
    const refused = [
      ...problems({ AUTH_JWT_SECRET_FILE: join(dir, 'missing') }),
      ...problems({ AUTH_JWT_SECRET_FILE: join(dir, 'short') }),
    ];
    expect(refused.map((p) => p.variable)).toEqual(['AUTH_JWT_SECRET_FILE', 'AUTH_JWT_SECRET_FILE']);
    expect(JSON.stringify(refused)).not.toContain('abc');
  });
});
