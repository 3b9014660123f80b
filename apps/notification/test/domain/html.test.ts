import { escapeHtml, markup, SafeHtml } from '../../src/domain/index.js';

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    ['"quoted" and \'single\'', '&quot;quoted&quot; and &#39;single&#39;'],
    ['&amp; stays visible', '&amp;amp; stays visible'],
    ['plain – “unicode” ✓', 'plain – “unicode” ✓'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('markup', () => {
  it('escapes every interpolated string and number, never the template itself', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(markup`<p title="${name}">${name} ${42}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt; 42</p>',
    );
  });

  it('nests fragments without escaping them twice', () => {
    const items = ['a&b', '<c>'].map((item) => markup`<li>${item}</li>`);
    const list = markup`<ul>${items}</ul>`;
    expect(list).toBeInstanceOf(SafeHtml);
    expect(String(list)).toBe('<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>');
  });
});
