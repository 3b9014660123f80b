/** The event store's benchmarks, for the root `pnpm bench` runner. */
export { appendBenchmark } from './append.js';
