/**
 * No secret in the repository: no tracked file is a key or an environment file, and none holds a
 * private key, a signed token or a cloud access key. Secrets come from the environment or from
 * files outside the tree (the stack generates its own under the gitignored .stack/).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@acme/stack';

const root = repoRoot();

/** What looks like a secret in a file's text; the name of each kind found. */
function secretsIn(text: string): string[] {
  const kinds: [string, RegExp][] = [
    ['a PEM private key', /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/],
    ['a JSON Web Token', /\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/],
    ['an AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
    ['a Stripe-style live key', /\b[rs]k_live_[0-9A-Za-z]{16,}\b/],
  ];
  return kinds.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind);
}

const secretFileName = /(?:^|\/)(?:\.env(?:\..*)?|.*\.(?:pem|key|p12|pfx|jks|keystore))$/;

describe('the repository', () => {
  const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((path) => path !== '');

  it('tracks no key, keystore or environment file', () => {
    expect(tracked.length).toBeGreaterThan(100);
    expect(tracked.filter((path) => secretFileName.test(path))).toEqual([]);
  });

  it('holds no private key, signed token or access key in any tracked file', () => {
    const found = tracked.flatMap((path) => {
      let text: string;
      try {
        text = readFileSync(join(root, path), 'utf8');
      } catch {
        return []; // deleted in the working tree
      }
      return secretsIn(text).map((kind) => `${path}: ${kind}`);
    });
    expect(found).toEqual([]);
  });

  it('keeps the stack state (generated certificates, data, logs) out of git', () => {
    const ignored = execFileSync(
      'git',
      ['check-ignore', '.stack/data/kafka-tls/keystore.pem', '.stack/conf/x'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(ignored.trim().split('\n')).toHaveLength(2);
  });
});

describe('the secret scan', () => {
  // Built at run time, so this file holds no secret itself.
  const dashes = '-'.repeat(5);
  const segment = (n: number) => 'A'.repeat(n);

  it('finds each kind it looks for, and not ordinary text', () => {
    expect(secretsIn(`${dashes}BEGIN PRIVATE KEY${dashes}\nMIIE`)).toEqual(['a PEM private key']);
    expect(secretsIn(`token ${['eyJ' + segment(12), 'eyJ' + segment(12), segment(20)].join('.')}`)).toEqual([
      'a JSON Web Token',
    ]);
    expect(secretsIn(`key AKIA${'Q'.repeat(16)}`)).toEqual(['an AWS access key id']);
    expect(secretsIn(`${dashes}BEGIN CERTIFICATE${dashes} and a password=acme`)).toEqual([]);
  });
});
