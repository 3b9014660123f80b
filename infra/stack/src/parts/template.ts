import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Fill `${NAME}` placeholders (upper-case names) of a template file; an unknown placeholder is an
 * error, not a blank. `${1}` and lower-case names pass through: Prometheus relabelling uses them.
 */
export function renderTemplate(
  template: string,
  target: string,
  values: Record<string, string | number>,
): void {
  const text = readFileSync(template, 'utf8').replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${template}: no value for \${${name}}`);
    return String(value);
  });
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}
