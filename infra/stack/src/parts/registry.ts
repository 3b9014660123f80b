import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { basicAuthorization } from '../basic-auth.js';
import { DaemonPart, withProgress, type PartName, type PortSpec, type Progress } from './part.js';
import { maven, requireJava, requireTool } from './toolchain.js';

const contentType = 'application/vnd.schemaregistry.v1+json';

/**
 * Apicurio Registry (Java 17) speaking the Confluent REST API at /apis/ccompat/v7, storing its
 * schemas in the stack's Postgres (database `registry`) so they survive restarts. With
 * SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD set, its APIs take HTTP basic auth from that
 * user only (Quarkus' embedded user store, configured through a file only the owner can read).
 */
export class RegistryPart extends DaemonPart {
  readonly name: PartName = 'registry';
  readonly needs: readonly PartName[] = ['postgres'];
  // Data lives in Postgres; nothing of its own on disk.
  readonly dataDirs: readonly string[] = [];

  private get home(): string {
    return join(this.config.cacheDir, 'apicurio', this.config.APICURIO_VERSION);
  }

  private get jar(): string {
    return join(this.home, `apicurio-registry-app-${this.config.APICURIO_VERSION}-runner.jar`);
  }

  get url(): string {
    return `http://127.0.0.1:${this.config.SCHEMA_REGISTRY_PORT}/apis/ccompat/v7`;
  }

  ports(): PortSpec[] {
    return [{ label: 'http', port: this.config.SCHEMA_REGISTRY_PORT, variable: 'SCHEMA_REGISTRY_PORT' }];
  }

  addresses(): string[] {
    return [this.url];
  }

  async install(progress: Progress): Promise<void> {
    requireJava(this.name);
    if (existsSync(this.jar)) return;
    requireTool(this.name, 'mvn', 'install Maven (Debian: apt-get install -y maven)');
    mkdirSync(this.home, { recursive: true });
    const artifact = `io.apicurio:apicurio-registry-app:${this.config.APICURIO_VERSION}:tar.gz:all`;
    await withProgress(
      progress,
      `downloading Apicurio Registry ${this.config.APICURIO_VERSION}`,
      maven(
        [
          // 2.8 unpacks the archive alone; 3.x also resolves its parent POM, which Central lacks.
          'org.apache.maven.plugins:maven-dependency-plugin:2.8:unpack',
          `-Dartifact=${artifact}`,
          `-DoutputDirectory=${this.home}`,
          // Without a POM the plugin would drop its "already unpacked" marker in the working
          // directory, and a stale marker there makes a later unpack silently do nothing.
          `-DmarkersDirectory=${join(this.home, '.markers')}`,
        ],
        { repo: join(this.config.cacheDir, 'm2'), cwd: this.home },
      ),
      this.home,
    );
    if (!existsSync(this.jar)) throw new Error(`unpacked ${artifact} but ${this.jar} is missing`);
  }

  /** Quarkus settings that put the APIs behind basic auth; undefined when no user is configured. */
  private authProperties(): string | undefined {
    const { SCHEMA_REGISTRY_USERNAME: user, SCHEMA_REGISTRY_PASSWORD: password } = this.config;
    if (user === undefined || password === undefined) return undefined;
    const file = join(this.config.confDir, 'registry', 'auth.properties');
    mkdirSync(join(this.config.confDir, 'registry'), { recursive: true });
    const lines = [
      'quarkus.http.auth.basic=true',
      'quarkus.security.users.embedded.enabled=true',
      'quarkus.security.users.embedded.plain-text=true',
      `quarkus.security.users.embedded.users.${user}=${password}`,
      `quarkus.security.users.embedded.roles.${user}=sr-admin`,
      'quarkus.http.auth.permission.apis.paths=/apis/*',
      'quarkus.http.auth.permission.apis.policy=authenticated',
    ];
    writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
    return file;
  }

  /** The Authorization header every stack call sends when basic auth is on. */
  private get authHeaders(): Record<string, string> {
    const { SCHEMA_REGISTRY_USERNAME: user, SCHEMA_REGISTRY_PASSWORD: password } = this.config;
    if (user === undefined || password === undefined) return {};
    return { authorization: basicAuthorization(user, password) };
  }

  protected daemon() {
    const c = this.config;
    const auth = this.authProperties();
    return {
      command: 'java',
      args: ['-Xmx384m', '-Djava.awt.headless=true', '-jar', this.jar],
      cwd: this.home,
      env: {
        QUARKUS_HTTP_HOST: '127.0.0.1',
        QUARKUS_HTTP_PORT: String(c.SCHEMA_REGISTRY_PORT),
        QUARKUS_LOG_CONSOLE_JSON: 'false',
        APICURIO_STORAGE_KIND: 'sql',
        APICURIO_STORAGE_SQL_KIND: 'postgresql',
        APICURIO_DATASOURCE_URL: `jdbc:postgresql://127.0.0.1:${c.POSTGRES_PORT}/registry`,
        APICURIO_DATASOURCE_USERNAME: c.POSTGRES_USER,
        APICURIO_DATASOURCE_PASSWORD: c.POSTGRES_PASSWORD,
        // Subjects may be deleted (test clean-up, the Confluent API's DELETE /subjects/...).
        APICURIO_REST_DELETION_ARTIFACT_ENABLED: 'true',
        APICURIO_REST_DELETION_ARTIFACT_VERSION_ENABLED: 'true',
        APICURIO_REST_DELETION_GROUP_ENABLED: 'true',
        ...(auth === undefined ? {} : { QUARKUS_CONFIG_LOCATIONS: auth }),
      },
    };
  }

  async probe(): Promise<void> {
    const response = await fetch(`${this.url}/subjects`, {
      headers: this.authHeaders,
      signal: AbortSignal.timeout(2000),
    });
    if (response.status !== 200) throw new Error(`GET /subjects answered ${response.status}`);
  }

  /** Global compatibility starts as NONE in Apicurio; the platform's contract rule is BACKWARD. */
  async configure(progress: Progress): Promise<void> {
    progress('setting global compatibility to BACKWARD');
    const response = await fetch(`${this.url}/config`, {
      method: 'PUT',
      headers: { 'content-type': contentType, ...this.authHeaders },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`PUT /config answered ${response.status}: ${await response.text()}`);
  }
}
