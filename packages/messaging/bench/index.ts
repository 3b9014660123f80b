export { codecBenchmark } from './codec.js';
export { consumerBenchmark } from './consumer.js';
