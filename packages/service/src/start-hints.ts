/**
 * What to check when a service cannot start because of how it reaches Kafka or the registry: the
 * error alone names the symptom (kafkajs' SASL failure, a TLS verification failure, a 401), the
 * hint names the settings. Undefined when the error is not one of these.
 */
export function startHint(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const text = `${error.name}: ${error.message}`;
  if (error.name === 'KafkaJSSASLAuthenticationError')
    return 'Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD (or _FILE) and KAFKA_SASL_MECHANISM';
  if (
    /self[- ]signed certificate|unable to (?:verify|get local issuer)|certificate/i.test(text) &&
    /kafka/i.test(text)
  )
    return "the broker's TLS certificate could not be verified: set KAFKA_SSL_CA_FILE to the CA that signed it";
  if (/\b401\b|Unauthorized/i.test(text) && /registry|subject|schema/i.test(text))
    return 'the schema registry refused the request: check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD (or _FILE)';
  return undefined;
}
