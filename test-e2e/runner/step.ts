/** One line of a root command's progress: `▸ building the services`. */
export function step(what: string): void {
  process.stdout.write(`▸ ${what}\n`);
}
