export { relayBenchmark } from './relay.js';
