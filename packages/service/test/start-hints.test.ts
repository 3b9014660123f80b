import { startHint } from '../src/start-hints.js';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('startHint', () => {
  it('names the settings behind a refused SASL login, an unverifiable broker and a registry 401', () => {
    expect(
      startHint(named('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed')),
    ).toMatch(/KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD/);
    expect(
      startHint(
        named('KafkaJSConnectionError', 'Connection error: self-signed certificate in certificate chain'),
      ),
    ).toMatch(/KAFKA_SSL_CA_FILE/);
    expect(startHint(named('ResponseError', 'Confluent_Schema_Registry - Error, status 401'))).toMatch(
      /SCHEMA_REGISTRY_USERNAME/,
    );
  });

  it('says nothing about other failures', () => {
    expect(startHint(new Error('connect ECONNREFUSED 127.0.0.1:15432'))).toBeUndefined();
    expect(startHint('not an error')).toBeUndefined();
  });
});
