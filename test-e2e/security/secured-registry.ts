/**
 * A second schema registry, behind HTTP basic auth, started by the stack's own registry part with
 * SCHEMA_REGISTRY_USERNAME/PASSWORD set — as a user would configure the stack's registry. It
 * shares the stack registry's storage (Apicurio on Postgres runs as several instances), so schema
 * ids agree with what the stack's registry serves; its state directory is a temporary one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParts, loadStackConfig } from '@acme/stack';
import { eventually } from '@acme/testing';
import { freePort } from '../system/service-process.js';

export interface SecuredRegistry {
  url: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

export async function startSecuredRegistry(): Promise<SecuredRegistry> {
  const base = loadStackConfig(process.env);
  const stackDir = mkdtempSync(join(tmpdir(), 'secured-registry-'));
  const username = 'registry-client';
  const password = randomBytes(18).toString('base64url');
  const config = loadStackConfig({
    ...process.env,
    STACK_DIR: stackDir,
    STACK_CACHE_DIR: base.cacheDir,
    SCHEMA_REGISTRY_PORT: String(await freePort()),
    SCHEMA_REGISTRY_USERNAME: username,
    SCHEMA_REGISTRY_PASSWORD: password,
  });
  const part = createParts(config).find((p) => p.name === 'registry');
  if (!part) throw new Error('the stack has no registry part');
  const progress = () => undefined;
  await part.install(progress);
  await part.start(progress);
  const stop = async () => {
    await part.stop();
    rmSync(stackDir, { recursive: true, force: true });
  };
  try {
    await eventually(
      () =>
        part.probe().then(
          () => true as const,
          () => undefined,
        ),
      {
        timeoutMs: part.startTimeoutMs,
        intervalMs: 500,
        description: 'the secured registry to answer',
      },
    );
    await part.configure?.(progress);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${config.SCHEMA_REGISTRY_PORT}/apis/ccompat/v7`,
    username,
    password,
    stop,
  };
}
