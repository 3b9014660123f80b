import type { Position } from './offsets.js';

/** A rebuild's progress as an operator sees it. */
export interface RebuildProgress extends Position {
  /** Messages per second, smoothed over the last samples; null until two samples exist. */
  messagesPerSecond: number | null;
  /** Seconds until the lag is read at the current rate; null while the rate is unknown or zero. */
  etaSeconds: number | null;
  /** When this was measured. */
  at: Date;
}

/**
 * Turns successive positions of a consumer group into a rate and an ETA. The rate is an
 * exponentially weighted mean of the per-sample rates, so one slow second does not swing the ETA.
 */
export class ProgressMeter {
  private last: { done: number; at: number } | undefined;
  private rate: number | null = null;

  constructor(private readonly smoothing = 0.3) {}

  sample(position: Position, at = new Date()): RebuildProgress {
    const now = at.getTime();
    if (this.last && now > this.last.at) {
      const instant = ((position.done - this.last.done) * 1000) / (now - this.last.at);
      this.rate = this.rate === null ? instant : this.rate + this.smoothing * (instant - this.rate);
    }
    this.last = { done: position.done, at: now };
    const rate = this.rate;
    return {
      ...position,
      messagesPerSecond: rate === null ? null : Math.round(rate),
      etaSeconds: rate === null || rate <= 0 ? null : Math.ceil(position.lag / rate),
      at,
    };
  }
}
