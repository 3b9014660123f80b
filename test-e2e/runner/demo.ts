/**
 * `pnpm demo`: bring the real stack up, run the smoke flow through every part of it, and print what
 * runs where. The stack keeps running afterwards (`pnpm stack down` stops it). The lifecycle
 * services join this command as they land.
 */
import { endpoints, loadStackConfig, status } from '@acme/stack';
import { startNativeStack } from '@acme/testing';
import { jaegerSpan, kafkaAvroRoundTrip, kyselyRoundTrip, prometheusScrape } from '../smoke/flow.js';

async function main(): Promise<void> {
  const config = loadStackConfig(process.env);
  const stack = await startNativeStack(config, process.stdout.isTTY ? 'default' : 'simple');

  console.log('\nSmoke flow through the real stack:');
  const kafka = await kafkaAvroRoundTrip(stack);
  console.log(
    `  ✔ Kafka + registry  topic ${kafka.topic}, subject ${kafka.subject} (schema id ${kafka.schemaId}),`,
  );
  console.log(
    `                      sent ${JSON.stringify(kafka.sent)}, decoded ${JSON.stringify(kafka.received)}`,
  );
  console.log(
    `                      breaking change rejected: ${kafka.breakingChangeRejected ? 'yes' : 'NO'}`,
  );
  const row = await kyselyRoundTrip(stack);
  console.log(`  ✔ Postgres (kysely) wrote and read ${JSON.stringify(row)}`);
  const span = await jaegerSpan(stack);
  console.log(
    `  ✔ Jaeger            trace ${span.traceId} from ${span.service}: ${stack.jaegerQueryUrl}/api/traces/${span.traceId}`,
  );
  const metric = await prometheusScrape(stack);
  console.log(`  ✔ Prometheus        ${metric.query} = ${metric.value}`);

  console.log('\nWhat runs where:');
  for (const part of await status(config)) {
    console.log(
      `  ${part.name.padEnd(11)} ${part.state.padEnd(8)} pid ${String(part.pid ?? '-').padEnd(8)} ${part.addresses.join('  ')}`,
    );
  }
  console.log('\nClient settings (eval "$(pnpm -s stack env)"):');
  for (const [key, value] of Object.entries(endpoints(config))) console.log(`  ${key}=${value}`);
  console.log('\nThe stack keeps running: `pnpm stack status`, `pnpm stack logs kafka`, `pnpm stack down`.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
