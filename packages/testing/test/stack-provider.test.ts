import { databaseUrl, stackEnvironment, stackFromEnvironment } from '../src/stack-provider.js';

describe('stack provider', () => {
  const env = {
    KAFKA_BROKERS: 'a:1, b:2',
    SCHEMA_REGISTRY_URL: 'http://r:8081',
    DATABASE_URL: 'postgres://u:p@h:5432',
    PROMETHEUS_URL: 'http://p:9090',
  };

  it('takes endpoints from the environment when the three required ones are set', () => {
    const stack = stackFromEnvironment(env);
    expect(stack).toMatchObject({
      source: 'environment',
      kafkaBrokers: ['a:1', 'b:2'],
      prometheusUrl: 'http://p:9090',
    });
  });

  it('falls through when a required endpoint is missing', () => {
    expect(stackFromEnvironment({ ...env, DATABASE_URL: '' })).toBeUndefined();
  });

  it('round-trips through the environment it exports', () => {
    const stack = stackFromEnvironment(env);
    if (!stack) throw new Error('expected a stack');
    expect(stackFromEnvironment(stackEnvironment(stack))).toEqual(stack);
  });

  it('addresses one database on the server', () => {
    expect(databaseUrl({ databaseUrl: 'postgres://u:p@h:5432' }, 'orders')).toBe(
      'postgres://u:p@h:5432/orders',
    );
  });
});
