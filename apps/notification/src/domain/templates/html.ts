/**
 * HTML escaping as a tagged template: `markup` escapes every interpolated value unless it is already
 * `SafeHtml` (built by `markup` itself), so a template cannot forget to escape. Four short e-mails
 * need nothing more; a template engine would add a dependency and an escaping mode to get right.
 * (Not named `html`: Prettier would reformat the literals, and with them the e-mails' markup.)
 *
 * @example
 *   markup`<p>Hello ${name}</p>`.value // name '<b>' → '<p>Hello &lt;b&gt;</p>'
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes the five characters that matter in HTML text and (quoted) attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

export type HtmlValue = string | number | SafeHtml | readonly SafeHtml[];

export function markup(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += toHtml(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

function toHtml(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number') return escapeHtml(String(value));
  return value.map((part) => part.value).join('');
}
