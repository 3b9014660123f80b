import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { databases, type StackConfig } from '../config.js';
import { StackPartError } from '../errors.js';
import { pidAlive, run, tail } from '../proc.js';
import type { Part, PartName, PortSpec, Progress } from './part.js';
import { aptInstall } from './toolchain.js';

/**
 * PostgreSQL from the distribution's packages, as a project-local cluster (own data directory, port
 * and socket directory). Postgres refuses to run as root, so as root we run it as the `postgres` user.
 */
export class PostgresPart implements Part {
  readonly name: PartName = 'postgres';
  readonly needs: readonly PartName[] = [];
  readonly startTimeoutMs = 60_000;

  constructor(private readonly config: StackConfig) {}

  get logFile(): string {
    return join(this.config.logDir, 'postgres.log');
  }

  get dataDirs(): string[] {
    return [this.dataDir];
  }

  private get dataDir(): string {
    return join(this.config.dataDir, 'postgres');
  }

  private get socketDir(): string {
    return join(this.config.runDir, 'postgres');
  }

  private get binDir(): string {
    return `/usr/lib/postgresql/${this.config.POSTGRES_VERSION}/bin`;
  }

  /** The OS user that owns and runs the cluster. */
  private get osUser(): string | undefined {
    return process.getuid?.() === 0 ? 'postgres' : undefined;
  }

  ports(): PortSpec[] {
    return [{ label: 'sql', port: this.config.POSTGRES_PORT, variable: 'POSTGRES_PORT' }];
  }

  addresses(): string[] {
    return [
      `postgres://${this.config.POSTGRES_USER}@127.0.0.1:${this.config.POSTGRES_PORT} (${databases.join(', ')})`,
    ];
  }

  async install(progress: Progress): Promise<void> {
    if (existsSync(join(this.binDir, 'initdb'))) return;
    progress(`installing postgresql-${this.config.POSTGRES_VERSION} from Debian`);
    await aptInstall(this.name, [`postgresql-${this.config.POSTGRES_VERSION}`]);
  }

  async start(progress: Progress): Promise<void> {
    for (const dir of [this.config.dataDir, this.socketDir, this.config.logDir])
      mkdirSync(dir, { recursive: true });
    this.own(this.socketDir);
    if (!existsSync(this.logFile)) writeFileSync(this.logFile, '');
    this.own(this.logFile);
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) await this.initdb(progress);
    progress('starting postgres');
    try {
      await this.pgctl([
        'start',
        '-D',
        this.dataDir,
        '-l',
        this.logFile,
        '-w',
        '-t',
        String(this.startTimeoutMs / 1000),
        '-o',
        [
          `-p ${this.config.POSTGRES_PORT}`,
          `-k ${this.socketDir}`,
          '-c listen_addresses=127.0.0.1',
          '-c max_connections=300',
          '-c shared_buffers=256MB',
        ].join(' '),
      ]);
    } catch (error) {
      throw new StackPartError(
        this.name,
        'pg_ctl start failed',
        (error as Error).message.split('\n')[0],
        tail(this.logFile),
      );
    }
  }

  private async initdb(progress: Progress): Promise<void> {
    progress('initialising the cluster (initdb)');
    rmSync(this.dataDir, { recursive: true, force: true });
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    this.own(this.dataDir);
    const pwfile = join(this.socketDir, 'initdb.pw');
    writeFileSync(pwfile, this.config.POSTGRES_PASSWORD, { mode: 0o600 });
    this.own(pwfile);
    try {
      await this.asOwner(join(this.binDir, 'initdb'), [
        '-D',
        this.dataDir,
        '-U',
        this.config.POSTGRES_USER,
        `--pwfile=${pwfile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
      ]);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  pid(): number | undefined {
    const pidFile = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return undefined;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || !pidAlive(pid)) return undefined;
    const cmdline = `/proc/${pid}/cmdline`;
    if (existsSync(cmdline) && !readFileSync(cmdline, 'utf8').includes(this.dataDir)) return undefined;
    return pid;
  }

  async probe(): Promise<void> {
    const result = spawnSync(
      join(this.binDir, 'pg_isready'),
      ['-h', '127.0.0.1', '-p', String(this.config.POSTGRES_PORT)],
      {
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) throw new Error(`pg_isready: ${result.stdout.trim() || result.stderr.trim()}`);
    return Promise.resolve();
  }

  /** One database per service plus the registry's, created when missing. */
  async configure(progress: Progress): Promise<void> {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: this.config.POSTGRES_PORT,
      user: this.config.POSTGRES_USER,
      password: this.config.POSTGRES_PASSWORD,
      database: 'postgres',
    });
    await client.connect();
    try {
      const existing = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
      const names = new Set(existing.rows.map((r) => r.datname));
      for (const db of databases) {
        if (names.has(db)) continue;
        progress(`creating database ${db}`);
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(db)}`);
      }
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<boolean> {
    if (this.pid() === undefined) return false;
    await this.pgctl(['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', '60']);
    return true;
  }

  private pgctl(args: string[]): Promise<string> {
    return this.asOwner(join(this.binDir, 'pg_ctl'), args);
  }

  private asOwner(command: string, args: string[]): Promise<string> {
    const user = this.osUser;
    return user ? run('runuser', ['-u', user, '--', command, ...args]) : run(command, args);
  }

  private own(path: string): void {
    if (!this.osUser) return;
    const info = spawnSync('id', ['-u', this.osUser], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', this.osUser], { encoding: 'utf8' });
    if (info.status !== 0) {
      throw new StackPartError(
        this.name,
        `running as root, but there is no '${this.osUser}' user to run Postgres as`,
        'install postgresql (it creates the user) or run the stack as a normal user',
      );
    }
    chownSync(path, Number(info.stdout.trim()), Number(group.stdout.trim()));
  }
}
