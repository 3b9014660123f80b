import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StackPartError } from '../errors.js';
import { run } from '../proc.js';
import { DaemonPart, withProgress, type PartName, type PortSpec, type Progress } from './part.js';
import { requireTool } from './toolchain.js';

/**
 * Jaeger all-in-one, built once from its Go module (newer tags refuse `go install`), traces in
 * memory. Every listener is bound to 127.0.0.1: only OTLP in and the query API are used.
 */
export class JaegerPart extends DaemonPart {
  readonly name: PartName = 'jaeger';
  readonly needs: readonly PartName[] = [];
  readonly dataDirs: readonly string[] = [];

  private get binary(): string {
    return join(this.config.cacheDir, 'bin', `jaeger-all-in-one-${this.config.JAEGER_VERSION}`);
  }

  ports(): PortSpec[] {
    const c = this.config;
    return [
      { label: 'query', port: c.JAEGER_QUERY_PORT, variable: 'JAEGER_QUERY_PORT' },
      { label: 'otlp-grpc', port: c.JAEGER_OTLP_GRPC_PORT, variable: 'JAEGER_OTLP_GRPC_PORT' },
      { label: 'otlp-http', port: c.JAEGER_OTLP_HTTP_PORT, variable: 'JAEGER_OTLP_HTTP_PORT' },
      { label: 'admin', port: c.JAEGER_ADMIN_PORT, variable: 'JAEGER_ADMIN_PORT' },
      { label: 'query-grpc', port: c.JAEGER_QUERY_GRPC_PORT, variable: 'JAEGER_QUERY_GRPC_PORT' },
      { label: 'collector-grpc', port: c.JAEGER_COLLECTOR_GRPC_PORT, variable: 'JAEGER_COLLECTOR_GRPC_PORT' },
    ];
  }

  addresses(): string[] {
    const c = this.config;
    return [
      `query http://127.0.0.1:${c.JAEGER_QUERY_PORT}`,
      `otlp http://127.0.0.1:${c.JAEGER_OTLP_HTTP_PORT}`,
    ];
  }

  async install(progress: Progress): Promise<void> {
    if (existsSync(this.binary)) return;
    requireTool(this.name, 'go', 'install Go 1.20+ (Debian: apt-get install -y golang)');
    const staging = join(this.config.cacheDir, 'bin', `.jaeger-build-${process.pid}`);
    mkdirSync(staging, { recursive: true });
    const module = `github.com/jaegertracing/jaeger/cmd/all-in-one@v${this.config.JAEGER_VERSION}`;
    try {
      await withProgress(
        progress,
        `building Jaeger ${this.config.JAEGER_VERSION} (go install, ~90 s once)`,
        run('go', ['install', module], { env: { GOBIN: staging, CGO_ENABLED: '0' } }),
      );
    } catch (error) {
      throw new StackPartError(
        this.name,
        `go install ${module} failed`,
        (error as Error).message.split('\n').slice(-3).join(' '),
      );
    } finally {
      // The binary is moved into place only once it is complete; the staging folder never stays.
      if (existsSync(join(staging, 'all-in-one'))) renameSync(join(staging, 'all-in-one'), this.binary);
      rmSync(staging, { recursive: true, force: true });
    }
  }

  protected daemon() {
    const c = this.config;
    const local = (port: number) => `127.0.0.1:${port}`;
    return {
      command: this.binary,
      args: [
        `--query.http-server.host-port=${local(c.JAEGER_QUERY_PORT)}`,
        // Legacy Jaeger listeners we do not use: loopback, ephemeral ports, so they never clash.
        ...[
          'collector.http-server.host-port',
          'http-server.host-port',
          'processor.jaeger-binary.server-host-port',
          'processor.jaeger-compact.server-host-port',
          'processor.zipkin-compact.server-host-port',
        ].map((flag) => `--${flag}=127.0.0.1:0`),
        `--collector.otlp.grpc.host-port=${local(c.JAEGER_OTLP_GRPC_PORT)}`,
        `--collector.otlp.http.host-port=${local(c.JAEGER_OTLP_HTTP_PORT)}`,
        `--admin.http.host-port=${local(c.JAEGER_ADMIN_PORT)}`,
        // The query UI's gRPC gateway and the built-in agent dial these two, so they need real ports.
        `--query.grpc-server.host-port=${local(c.JAEGER_QUERY_GRPC_PORT)}`,
        `--collector.grpc-server.host-port=${local(c.JAEGER_COLLECTOR_GRPC_PORT)}`,
        '--memory.max-traces=50000',
      ],
      env: { COLLECTOR_OTLP_ENABLED: 'true' },
    };
  }

  async probe(): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.config.JAEGER_QUERY_PORT}/api/services`, {
      signal: AbortSignal.timeout(2000),
    });
    if (response.status !== 200) throw new Error(`GET /api/services answered ${response.status}`);
  }
}
