import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Fill `${NAME}` placeholders of a template file; an unknown placeholder is an error, not a blank. */
export function renderTemplate(
  template: string,
  target: string,
  values: Record<string, string | number>,
): void {
  const text = readFileSync(template, 'utf8').replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${template}: no value for \${${name}}`);
    return String(value);
  });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
