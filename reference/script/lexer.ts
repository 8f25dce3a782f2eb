/**
 * The CurveScript lexer (spec/curvescript.md §2, CS-LEX-*). Never throws: a bad character or literal
 * becomes a diagnostic and lexing goes on. Comments are kept aside (not tokens) so the printer can
 * put them back; each token records whether a line break precedes it, which ends venue directives.
 */
import { U128_MAX } from '../lib/u128.ts';
import { diagnostic } from './diagnostics.ts';
import type { Diagnostic, Span } from './diagnostics.ts';

export type TokenKind = 'ident' | 'keyword' | 'int' | 'string' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for strings: the quoted source text). */
  readonly text: string;
  /** Integer value (int tokens), decoded text (string tokens). */
  readonly value?: bigint | string;
  readonly span: Span;
  /** A line break (or the start of the file) lies between the previous token and this one. */
  readonly nl: boolean;
}

export interface Comment {
  /** The comment text including its `#` or `//` marker, without the line break. */
  readonly text: string;
  readonly span: Span;
  /** Code precedes the comment on its line (a trailing comment). */
  readonly trailing: boolean;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
}

/** CS-LEX-005: reserved words of the function sublanguage. */
export const KEYWORDS = [
  'as', 'const', 'else', 'emit', 'error', 'event', 'extern', 'false', 'fn', 'for', 'if', 'in', 'let', 'mut', 'pub',
  'require', 'return', 'storage', 'struct', 'template', 'true', 'try', 'with',
] as const;
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

/** CS-LEX-006: punctuation, longest match first. */
const PUNCTS = [
  '..', '->', '==', '!=', '<=', '>=', '&&', '||', '<<', '>>', '+=', '-=', '*=',
  '{', '}', '(', ')', '[', ']', ',', ';', ':', '.', '=', '<', '>', '+', '-', '*', '/', '%', '!', '&', '|', '^',
] as const;

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', '0': '\0' };

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** Tracks line/column while scanning, and builds spans. */
class Cursor {
  pos = 0;
  line = 1;
  col = 1;
  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  peek(k = 0): string {
    return this.text[this.pos + k] ?? '';
  }

  /** Advance one character, counting `\r\n`, `\r` and `\n` as line ends (CS-LEX-002). */
  bump(): void {
    const c = this.text[this.pos];
    this.pos++;
    if (c === '\n' || (c === '\r' && this.text[this.pos] !== '\n')) {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
  }

  mark(): { pos: number; line: number; col: number } {
    return { pos: this.pos, line: this.line, col: this.col };
  }

  spanFrom(m: { pos: number; line: number; col: number }): Span {
    return {
      file: this.file,
      line: m.line,
      col: m.col,
      endLine: this.line,
      endCol: this.col,
      offset: m.pos,
      length: this.pos - m.pos,
    };
  }
}

export function lex(text: string, file: string): LexResult {
  const cur = new Cursor(text, file);
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const diagnostics: Diagnostic[] = [];
  let nl = true;
  let codeOnLine = false;

  while (cur.pos < text.length) {
    const c = cur.peek();
    if (c === '\n' || c === '\r') {
      cur.bump();
      nl = true;
      codeOnLine = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\f' || c === '\v' || c === '\uFEFF') {
      cur.bump();
      continue;
    }
    const m = cur.mark();
    if (c === '#' || (c === '/' && cur.peek(1) === '/')) {
      while (cur.pos < text.length && cur.peek() !== '\n' && cur.peek() !== '\r') cur.bump();
      comments.push({ text: text.slice(m.pos, cur.pos).trimEnd(), span: cur.spanFrom(m), trailing: codeOnLine });
      continue;
    }
    codeOnLine = true;
    const push = (kind: TokenKind, value?: bigint | string): void => {
      const tok: Token = { kind, text: text.slice(m.pos, cur.pos), span: cur.spanFrom(m), nl };
      tokens.push(value === undefined ? tok : { ...tok, value });
      nl = false;
    };
    if (isIdentStart(c)) {
      while (isIdentPart(cur.peek())) cur.bump();
      const word = text.slice(m.pos, cur.pos);
      push(KEYWORD_SET.has(word) ? 'keyword' : 'ident');
      continue;
    }
    if (isDigit(c)) {
      const value = lexInt(cur, diagnostics, m);
      push('int', value);
      continue;
    }
    if (c === '"') {
      push('string', lexString(cur, diagnostics));
      continue;
    }
    const p = PUNCTS.find((q) => text.startsWith(q, cur.pos));
    if (p !== undefined) {
      for (let i = 0; i < p.length; i++) cur.bump();
      push('punct');
      continue;
    }
    // One code point, so a surrogate pair is reported once.
    const cp = text.codePointAt(cur.pos) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    for (let i = 0; i < width; i++) cur.bump();
    const shown = cp < 0x20 || cp === 0x7f ? `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(cp)}'`;
    diagnostics.push(diagnostic('CS1001', `unexpected character ${shown}`, cur.spanFrom(m)));
  }
  const end = cur.mark();
  tokens.push({ kind: 'eof', text: '', span: cur.spanFrom(end), nl: true });
  return { tokens, comments, diagnostics };
}

/**
 * CS-LEX-003: decimal `123`, `1_000_000` or hex `0xff_ff`; `_` only between digits. Letters glued to the
 * digits, a trailing `_` or an empty `0x` are malformed; the value is then 0 so parsing can go on.
 */
function lexInt(cur: Cursor, diagnostics: Diagnostic[], m: { pos: number; line: number; col: number }): bigint {
  const hex = cur.peek() === '0' && (cur.peek(1) === 'x' || cur.peek(1) === 'X');
  if (hex) {
    cur.bump();
    cur.bump();
  }
  while (isIdentPart(cur.peek())) cur.bump();
  const raw = cur.text.slice(m.pos, cur.pos);
  const body = hex ? raw.slice(2) : raw;
  const digits = hex ? /^[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/ : /^[0-9]+(_[0-9]+)*$/;
  if (!digits.test(body)) {
    diagnostics.push(diagnostic('CS1004', `malformed integer literal '${raw}'`, cur.spanFrom(m)));
    return 0n;
  }
  const value = BigInt((hex ? '0x' : '') + body.replace(/_/g, ''));
  if (value > U128_MAX) {
    diagnostics.push(diagnostic('CS1005', `integer literal '${raw}' does not fit in 128 bits`, cur.spanFrom(m)));
    return 0n;
  }
  return value;
}

/** CS-LEX-004: a double-quoted string on one line with the escapes \" \\ \n \t \r \0. */
function lexString(cur: Cursor, diagnostics: Diagnostic[]): string {
  const start = cur.mark();
  cur.bump();
  let out = '';
  for (;;) {
    const c = cur.peek();
    if (c === '' || c === '\n' || c === '\r') {
      diagnostics.push(diagnostic('CS1002', 'unterminated string literal', cur.spanFrom(start)));
      return out;
    }
    if (c === '"') {
      cur.bump();
      return out;
    }
    if (c === '\\') {
      const em = cur.mark();
      cur.bump();
      const e = cur.peek();
      const decoded = ESCAPES[e];
      if (decoded !== undefined) {
        cur.bump();
        out += decoded;
      } else {
        if (e !== '' && e !== '\n' && e !== '\r') cur.bump();
        diagnostics.push(diagnostic('CS1003', `invalid escape sequence '\\${e}'`, cur.spanFrom(em)));
      }
      continue;
    }
    out += c;
    cur.bump();
  }
}

/** The quoted source form of a string value: the inverse of lexString (CS-LEX-004). */
export function quoteString(s: string): string {
  let out = '"';
  for (const c of s) {
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === '\0') out += '\\0';
    else out += c;
  }
  return out + '"';
}
