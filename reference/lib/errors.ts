/**
 * Typed boundary errors (ARCHITECTURE.md, Errors). Each carries a stable code and a location so the CLI
 * prints one line — `where: message` — and never a stack trace. A broken internal invariant is not one
 * of these: it is an assertion that crashes.
 */
export class CurveError extends Error {
  readonly code: string;
  /** Where the problem is: `file:line:col`, `byte 0x1f`, a JSON path… (empty when not applicable). */
  readonly where: string;

  constructor(code: string, message: string, where = '') {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.where = where;
  }

  /** The one-line rendering the CLI prints. */
  oneLine(): string {
    return `${this.where ? this.where + ': ' : ''}error ${this.code}: ${this.message}`;
  }
}

/** Malformed module bytes (`.cvm`): the offset is the byte where decoding failed. */
export class ModuleFormatError extends CurveError {
  readonly offset: number;
  constructor(code: string, message: string, offset: number, file = '') {
    super(code, message, `${file ? file + ':' : ''}byte ${offset}`);
    this.offset = offset;
  }
}

/** A module that decodes but breaks a static validation rule (VM-VAL-*). */
export class ValidationError extends CurveError {
  readonly offset: number;
  constructor(code: string, message: string, offset: number) {
    super(code, message, `byte ${offset}`);
    this.offset = offset;
  }
}

/** Bad assembly text: file:line:col. */
export class AsmError extends CurveError {
  constructor(message: string, file: string, line: number, col: number) {
    super('ASM', message, `${file}:${line}:${col}`);
  }
}

/** Module store problems: hash mismatch, missing module, import cycle. */
export class StoreError extends CurveError {}

/** Bad arguments at an API or CLI boundary. */
export class UsageError extends CurveError {
  constructor(message: string, where = '') {
    super('USAGE', message, where);
  }
}

/** An internal invariant broke: this is a bug, and it crashes on purpose. */
export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(`internal assertion failed: ${message}`);
}
