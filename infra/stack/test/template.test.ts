/**
 * renderTemplate fills `${NAME}` placeholders from a value map and writes the result; a placeholder
 * without a value must fail loudly rather than render a blank into a configuration file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderTemplate } from '../src/parts/template.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stack-template-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Write `text` as a template, render it with `values`, return the rendered text. */
function render(text: string, values: Record<string, string | number>): string {
  const template = join(dir, 'in.tmpl');
  const target = join(dir, 'out.txt');
  writeFileSync(template, text);
  renderTemplate(template, target, values);
  return readFileSync(target, 'utf8');
}

describe('renderTemplate', () => {
  it('replaces every placeholder, including repeated ones, and stringifies numbers', () => {
    const out = render('listen=${HOST}:${PORT}\nadvertise=${HOST}:${PORT}\nlogs=${LOG_DIR_2}\n', {
      HOST: '127.0.0.1',
      PORT: 19092,
      LOG_DIR_2: '/tmp/logs',
    });
    expect(out).toBe('listen=127.0.0.1:19092\nadvertise=127.0.0.1:19092\nlogs=/tmp/logs\n');
  });

  it('leaves text without placeholders byte for byte unchanged', () => {
    const text = '# comment with $ and {braces}\nkey: value\n\ttabbed: "quoted"\n';
    expect(render(text, {})).toBe(text);
  });

  it('ignores values the template does not use', () => {
    expect(render('a=${A}', { A: 'x', UNUSED: 'y' })).toBe('a=x');
  });

  it('inserts values literally, even ones that look like replacement patterns', () => {
    expect(render('v=${V}', { V: "$& $1 $$ $` $' ${V}" })).toBe("v=$& $1 $$ $` $' ${V}");
  });

  it('does not touch $NAME without braces (e.g. shell variables, regex back-references)', () => {
    expect(render('echo $HOME; replacement: $1', {})).toBe('echo $HOME; replacement: $1');
  });

  it('passes ${1} and lower-case names through (Prometheus relabel replacements use them)', () => {
    expect(render("replacement: '${1}:${PORT}' ${host}", { PORT: 9464 })).toBe(
      "replacement: '${1}:9464' ${host}",
    );
  });

  it('renders an empty-string value as empty (it is a value, not a missing one)', () => {
    expect(render('[${EMPTY}]', { EMPTY: '' })).toBe('[]');
  });

  it('creates missing parent directories of the target', () => {
    const template = join(dir, 'in.tmpl');
    const target = join(dir, 'conf', 'deep', 'out.yml');
    writeFileSync(template, 'port: ${PORT}\n');
    renderTemplate(template, target, { PORT: 19090 });
    expect(readFileSync(target, 'utf8')).toBe('port: 19090\n');
  });

  it('overwrites a previous rendering', () => {
    expect(render('p=${P}', { P: 1 })).toBe('p=1');
    expect(render('p=${P}', { P: 2 })).toBe('p=2');
  });

  it('throws on a placeholder without a value, naming the template and the placeholder', () => {
    const template = join(dir, 'in.tmpl');
    const target = join(dir, 'out.txt');
    writeFileSync(template, 'known=${KNOWN}\nmissing=${MISSING_VALUE}\n');
    expect(() => {
      renderTemplate(template, target, { KNOWN: 'ok' });
    }).toThrow(`${template}: no value for \${MISSING_VALUE}`);
  });

  it('writes nothing when a placeholder has no value (no half-rendered file)', () => {
    const template = join(dir, 'in.tmpl');
    const target = join(dir, 'conf', 'out.txt');
    writeFileSync(template, 'missing=${MISSING}\n');
    expect(() => {
      renderTemplate(template, target, {});
    }).toThrow(/no value for \$\{MISSING\}/);
    expect(existsSync(target)).toBe(false);
  });

  it('keeps a previous rendering when a re-render fails', () => {
    const template = join(dir, 'in.tmpl');
    const target = join(dir, 'out.txt');
    writeFileSync(target, 'previous\n');
    writeFileSync(template, 'missing=${MISSING}\n');
    expect(() => {
      renderTemplate(template, target, {});
    }).toThrow(/MISSING/);
    expect(readFileSync(target, 'utf8')).toBe('previous\n');
  });

  it('fails on a missing template file', () => {
    expect(() => {
      renderTemplate(join(dir, 'nope.tmpl'), join(dir, 'out.txt'), {});
    }).toThrow(/ENOENT/);
  });
});
