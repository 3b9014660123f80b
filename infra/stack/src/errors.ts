/** A failure of one part of the stack, phrased for the person at the terminal. */
export class StackPartError extends Error {
  override readonly name = 'StackPartError';

  constructor(
    readonly part: string,
    message: string,
    /** The likely cause (disk full, Java too old…) or the way out (free the port, install Java), when known. */
    readonly hint?: string,
    /** The last lines of the part's log, to spare a trip to `stack logs`. */
    readonly logTail?: string,
  ) {
    super(`${part}: ${message}`);
  }

  /** Message, hint and log tail as one block for the terminal. */
  describe(): string {
    const lines = [this.message];
    if (this.hint) lines.push(`  hint: ${this.hint}`);
    if (this.logTail) lines.push(`  last log lines:`, ...this.logTail.split('\n').map((l) => `    ${l}`));
    return lines.join('\n');
  }
}

/** Known causes recognised in a part's log. */
const logPatterns: [RegExp, string][] = [
  [/No space left on device/i, 'the disk is full'],
  [/Address already in use|BindException|address already in use/i, 'a port it needs is already taken'],
  [/UnsupportedClassVersionError/, 'the Java runtime is too old (Java 17 or newer is needed)'],
  [/OutOfMemoryError/, 'the JVM ran out of heap'],
  [/password authentication failed/i, 'wrong Postgres credentials (POSTGRES_USER / POSTGRES_PASSWORD)'],
  [/database .* does not exist/i, 'a database is missing'],
];

export function diagnoseLog(log: string): string | undefined {
  for (const [pattern, cause] of logPatterns) if (pattern.test(log)) return cause;
  return undefined;
}
