import { markup, type SafeHtml } from './html.js';
import type { RenderedEmail } from './types.js';

export const SHOP_NAME = 'Acme Shop';

/** Collapses line breaks and other control characters: subjects and greetings stay on one line. */
export function oneLine(text: string): string {
  return text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

export function greeting(customerName: string | null): string {
  const name = customerName === null ? '' : oneLine(customerName);
  return name === '' ? 'Hello,' : `Hello ${name},`;
}

/**
 * One e-mail from its parts: the text version is the greeting, the paragraphs and the signature
 * separated by blank lines; the HTML version a small document around the same blocks (escaped by
 * `markup`).
 */
export function email(parts: {
  subject: string;
  customerName: string | null;
  text: string[];
  html: SafeHtml[];
}): RenderedEmail {
  const subject = oneLine(parts.subject);
  const hello = greeting(parts.customerName);
  const text = [hello, ...parts.text, SHOP_NAME].join('\n\n') + '\n';
  const blocks = [markup`<p>${hello}</p>`, ...parts.html, markup`<p>${SHOP_NAME}</p>`];
  const html = [
    '<!doctype html>',
    markup`<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>`.value,
    '<body style="font-family: sans-serif; line-height: 1.5">',
    ...blocks.map((block) => block.value),
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}
