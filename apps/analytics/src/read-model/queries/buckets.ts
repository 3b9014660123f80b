export type Bucket = 'minute' | 'hour' | 'day';
export const buckets = ['minute', 'hour', 'day'] as const satisfies readonly Bucket[];

const bucketMs: Record<Bucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** A sales report returns at most this many buckets per currency. */
export const maxBuckets = 10_000;

/** How many buckets [from, to) touches (a bucket partly inside counts; buckets are UTC-aligned). */
export function bucketCount(from: Date, to: Date, bucket: Bucket): number {
  const size = bucketMs[bucket];
  if (to.getTime() <= from.getTime()) return 0;
  return Math.floor((to.getTime() - 1) / size) - Math.floor(from.getTime() / size) + 1;
}

/** Why a report range is not acceptable, or undefined when it is. */
export function rangeProblem(from: Date, to: Date, bucket: Bucket): string | undefined {
  if (to.getTime() <= from.getTime()) return 'must be after from';
  const count = bucketCount(from, to, bucket);
  if (count > maxBuckets)
    return `the range holds ${count} ${bucket} buckets, at most ${maxBuckets} are allowed: narrow it or use a larger bucket`;
  return undefined;
}
