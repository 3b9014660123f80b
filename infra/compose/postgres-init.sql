-- Creates every service's database (and the registry's) when it does not exist yet. The postgres
-- image runs this once, on the first start of an empty data volume; it is safe to run again:
--   docker compose exec postgres psql -U acme -d postgres -f /docker-entrypoint-initdb.d/10-databases.sql
-- Keep the list equal to `databases` in infra/stack/src/config.ts (infra/stack/test/compose.test.ts checks it).
SELECT format('CREATE DATABASE %I', name)
FROM unnest(ARRAY[
  'orders',
  'inventory',
  'payments',
  'notifications',
  'analytics',
  'registry'
]) AS wanted(name)
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = wanted.name)
\gexec
