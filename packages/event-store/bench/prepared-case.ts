import type { BenchCase } from '@acme/testing/bench';
import type { LatencyRecorder } from './latency.js';

/** One case of the append benchmark with its own scratch database, ready to run. */
export interface PreparedCase {
  benchCase: BenchCase;
  latencies: LatencyRecorder;
  /** Close the pool and drop the scratch database. */
  close(): Promise<void>;
}
