/** int8 (bigint or string, depending on the pool's parser) or null → number or null. */
export const num = (value: bigint | string | number | null): number | null =>
  value === null ? null : Number(value);

/** A timestamptz (a Date from pg, or text) → ISO string or null. */
export const iso = (value: Date | string | null): string | null =>
  value === null ? null : (value instanceof Date ? value : new Date(value)).toISOString();

export const ms = (value: Date | string): number =>
  (value instanceof Date ? value : new Date(value)).getTime();
