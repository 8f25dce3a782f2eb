/**
 * CurveScript diagnostics (spec/curvescript.md §9, CS-DIAG-*; STYLE.md §4). Every phase collects
 * diagnostics instead of throwing. Codes live in one registry, numbered by phase:
 * CS1xxx lexing and parsing, CS2xxx names, schema and types, CS3xxx venue guardrails, CS4xxx the
 * compiler's static analyzers (reserved here so codes never collide). A code, once published, keeps its
 * meaning; retired codes are never reused.
 */

export type Severity = 'error' | 'warning';

/**
 * A source range. `line`/`col` are 1-based; columns, `offset` and `length` count UTF-16 code units of
 * the source string (CS-DIAG-002). `endLine`/`endCol` point just past the last character.
 */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  readonly offset: number;
  readonly length: number;
}

interface CodeInfo {
  readonly severity: Severity;
  /** The spec rule the code enforces. */
  readonly spec: string;
  /** One line: what the code means. */
  readonly title: string;
}

export const DIAGNOSTIC_CODES = {
  // ── CS1xxx: lexical and syntax ────────────────────────────────────────────────────────────────────
  /** A character that starts no token (CS-LEX-001). */
  CS1001: { severity: 'error', spec: 'CS-LEX-001', title: 'unexpected character' },
  /** A string literal not closed before the end of its line (CS-LEX-004). */
  CS1002: { severity: 'error', spec: 'CS-LEX-004', title: 'unterminated string literal' },
  /** A backslash escape other than \" \\ \n \t \r \0 (CS-LEX-004). */
  CS1003: { severity: 'error', spec: 'CS-LEX-004', title: 'invalid escape sequence' },
  /** Digits with a misplaced `_`, an empty `0x`, or letters glued to digits (CS-LEX-003). */
  CS1004: { severity: 'error', spec: 'CS-LEX-003', title: 'malformed integer literal' },
  /** An integer literal above 2^128 − 1 (CS-LEX-003). */
  CS1005: { severity: 'error', spec: 'CS-LEX-003', title: 'integer literal too large' },
  /** A token the grammar does not allow here (CS-GRAM-001). */
  CS1010: { severity: 'error', spec: 'CS-GRAM-001', title: 'unexpected token' },
  /** A `{`, `(` or `[` still open at the end of the file (CS-GRAM-001). */
  CS1011: { severity: 'error', spec: 'CS-GRAM-001', title: 'unclosed delimiter' },
  /** A top-level block keyword other than ROUTER, SLAB, ORACLE, CAP (CS-GRAM-010). */
  CS1012: { severity: 'error', spec: 'CS-GRAM-010', title: 'unknown block kind' },
  /** An operator or parenthesis inside a directive argument: venue scripts carry no arithmetic (CS-VEN-001). */
  CS1013: { severity: 'error', spec: 'CS-VEN-001', title: 'arithmetic in a venue script' },
  /** Nesting deeper than the parser's limit (CS-GRAM-003). */
  CS1014: { severity: 'error', spec: 'CS-GRAM-003', title: 'nesting too deep' },
  /** Venue blocks and template declarations in one file (CS-GRAM-002). */
  CS1015: { severity: 'error', spec: 'CS-GRAM-002', title: 'venue blocks mixed with template declarations' },
  /** `a < b < c`: comparisons do not chain (CS-GRAM-030). */
  CS1016: { severity: 'error', spec: 'CS-GRAM-030', title: 'comparison operators do not chain' },
  /** `template KIND;` not first, repeated, or naming no block kind (CS-GRAM-020). */
  CS1017: { severity: 'error', spec: 'CS-GRAM-020', title: 'misplaced or invalid template header' },
  /** `x.f(…)` that is not `module[index].entry(…)`, or `try` before anything else (CS-GRAM-022). */
  CS1018: { severity: 'error', spec: 'CS-GRAM-022', title: 'malformed cross-module call' },

  // ── CS2xxx: venue schema ──────────────────────────────────────────────────────────────────────────
  /** A directive the block kind does not define (CS-VEN-010). */
  CS2001: { severity: 'error', spec: 'CS-VEN-010', title: 'unknown directive' },
  /** An argument key the directive does not define (CS-VEN-011). */
  CS2002: { severity: 'error', spec: 'CS-VEN-011', title: 'unknown argument' },
  /** A required argument is absent (CS-VEN-011). */
  CS2003: { severity: 'error', spec: 'CS-VEN-011', title: 'missing required argument' },
  /** A value of the wrong kind: string for an int, int for a bool… (CS-VEN-012). */
  CS2004: { severity: 'error', spec: 'CS-VEN-012', title: 'argument has the wrong type' },
  /** An integer outside the argument's declared range (CS-VEN-013). */
  CS2005: { severity: 'error', spec: 'CS-VEN-013', title: 'argument out of range' },
  /** A non-repeatable directive given twice in one block (CS-VEN-014). */
  CS2006: { severity: 'error', spec: 'CS-VEN-014', title: 'duplicate directive' },
  /** The same argument key twice in one directive (CS-VEN-011). */
  CS2007: { severity: 'error', spec: 'CS-VEN-011', title: 'duplicate argument' },
  /** A block lacks a directive its kind requires (CS-VEN-014). */
  CS2008: { severity: 'error', spec: 'CS-VEN-014', title: 'missing required directive' },
  /** Two blocks of one kind with the same name (CS-VEN-003). */
  CS2009: { severity: 'error', spec: 'CS-VEN-003', title: 'duplicate block name' },
  /** A venue script needs exactly one ROUTER block (CS-VEN-002). */
  CS2010: { severity: 'error', spec: 'CS-VEN-002', title: 'venue needs exactly one ROUTER' },
  /** More positional values than the directive accepts (CS-VEN-011). */
  CS2011: { severity: 'error', spec: 'CS-VEN-011', title: 'unexpected positional argument' },
  /** An identifier not among the argument's allowed values (CS-VEN-012). */
  CS2012: { severity: 'error', spec: 'CS-VEN-012', title: 'value not allowed for this argument' },
  /** A CAP grant naming no CurveVM capability (CS-VEN-030). */
  CS2013: { severity: 'error', spec: 'CS-VEN-030', title: 'unknown capability' },
  /** A block name that does not match its kind's pattern (CS-VEN-003). */
  CS2014: { severity: 'error', spec: 'CS-VEN-003', title: 'malformed block name' },

  // ── CS21xx: template names ────────────────────────────────────────────────────────────────────────
  /** A name bound nowhere in scope (CS-NAME-001). */
  CS2101: { severity: 'error', spec: 'CS-NAME-001', title: 'undefined name' },
  /** A name declared twice, or a local shadowing another binding (CS-NAME-002). */
  CS2102: { severity: 'error', spec: 'CS-NAME-002', title: 'duplicate definition' },
  /** A type name that is neither built in nor a declared struct (CS-NAME-003). */
  CS2103: { severity: 'error', spec: 'CS-NAME-003', title: 'unknown type' },
  /** A field the struct, or the template's `cfg`, does not have (CS-NAME-004). */
  CS2104: { severity: 'error', spec: 'CS-NAME-004', title: 'unknown field' },
  /** `emit` of an undeclared event (CS-NAME-005). */
  CS2105: { severity: 'error', spec: 'CS-NAME-005', title: 'unknown event' },
  /** The second argument of `require` is not a declared error code (CS-NAME-006). */
  CS2106: { severity: 'error', spec: 'CS-NAME-006', title: 'not an error code' },
  /** Functions that call themselves, directly or not: gas must be statically bounded (CS-NAME-007). */
  CS2107: { severity: 'error', spec: 'CS-NAME-007', title: 'recursive call' },
  /** A struct that contains itself, directly or not (CS-NAME-008). */
  CS2108: { severity: 'error', spec: 'CS-NAME-008', title: 'recursive struct' },
  /** A constant whose value depends on itself or on a non-constant (CS-NAME-009). */
  CS2109: { severity: 'error', spec: 'CS-NAME-009', title: 'not a constant expression' },
  /** `cfg` in a module without a `template KIND;` header (CS-BIND-001). */
  CS2110: { severity: 'error', spec: 'CS-BIND-001', title: 'cfg used outside a template' },
  /** Two error declarations with the same code value (CS-NAME-006). */
  CS2111: { severity: 'error', spec: 'CS-NAME-006', title: 'duplicate error code value' },
  /** Assignment to a parameter, a loop variable or a `let` without `mut` (CS-NAME-010). */
  CS2112: { severity: 'error', spec: 'CS-NAME-010', title: 'assignment to an immutable binding' },
  /** The left side of `=` is not a variable, field or element (CS-NAME-010). */
  CS2113: { severity: 'error', spec: 'CS-NAME-010', title: 'invalid assignment target' },
  /** A local that is never read; prefix it with `_` to say so on purpose (CS-NAME-011). */
  CS2114: { severity: 'warning', spec: 'CS-NAME-011', title: 'unused local' },
  /** `extern K` where K is not a module kind this template may call: router → slab, oracle; slab → oracle (CS-EXTERN-001). */
  CS2115: { severity: 'error', spec: 'CS-EXTERN-001', title: 'extern of a module kind this template cannot call' },
  /** `m[i].f(…)` where m is no extern, or f is not an entry the extern declares (CS-EXTERN-002). */
  CS2116: { severity: 'error', spec: 'CS-EXTERN-002', title: 'unknown extern module or entry' },
  /** An extern used as a value, an array crossing modules, a repeated or non-constant grant (CS-EXTERN-003). */
  CS2117: { severity: 'error', spec: 'CS-EXTERN-003', title: 'invalid use of an extern' },

  // ── CS22xx: template types ────────────────────────────────────────────────────────────────────────
  /** An expression of one type where another is required (CS-TYPE-001). */
  CS2201: { severity: 'error', spec: 'CS-TYPE-001', title: 'type mismatch' },
  /** A call with too few or too many arguments (CS-TYPE-002). */
  CS2202: { severity: 'error', spec: 'CS-TYPE-002', title: 'wrong number of arguments' },
  /** An operator applied to types it is not defined for (CS-TYPE-010). */
  CS2203: { severity: 'error', spec: 'CS-TYPE-010', title: 'operator not defined for these types' },
  /** `/`: every division names its rounding direction (CS-TYPE-011). */
  CS2204: { severity: 'error', spec: 'CS-TYPE-011', title: 'division must name its rounding' },
  /** A function with a result type that can end without `return` (CS-TYPE-020). */
  CS2205: { severity: 'error', spec: 'CS-TYPE-020', title: 'missing return' },
  /** `return e` in a function without a result, or bare `return` in one with (CS-TYPE-020). */
  CS2206: { severity: 'error', spec: 'CS-TYPE-020', title: 'wrong return form' },
  /** Calling something that is not a function (CS-TYPE-002). */
  CS2207: { severity: 'error', spec: 'CS-TYPE-002', title: 'not callable' },
  /** An integer literal outside its type's range (CS-TYPE-003). */
  CS2208: { severity: 'error', spec: 'CS-TYPE-003', title: 'literal out of range for its type' },
  /** A `for` bound that is not a constant, or a loop longer than the limit (CS-TYPE-030). */
  CS2209: { severity: 'error', spec: 'CS-TYPE-030', title: 'loop bound not static or too large' },
  /** An array length not constant or out of range, or a constant index past the end (CS-TYPE-004). */
  CS2210: { severity: 'error', spec: 'CS-TYPE-004', title: 'bad array length or index' },
  /** An `as` conversion between types that have none (CS-TYPE-012). */
  CS2211: { severity: 'error', spec: 'CS-TYPE-012', title: 'invalid cast' },
  /** An expression statement that is not a call (CS-TYPE-021). */
  CS2212: { severity: 'error', spec: 'CS-TYPE-021', title: 'expression statement has no effect' },
  /** `.field` on a non-record, `[i]` on a non-array (CS-TYPE-005). */
  CS2213: { severity: 'error', spec: 'CS-TYPE-005', title: 'no such member' },
  /** A struct literal with a missing, extra or repeated field (CS-TYPE-006). */
  CS2214: { severity: 'error', spec: 'CS-TYPE-006', title: 'bad struct literal' },

  // ── CS3xxx: venue cross-references and governance guardrails ──────────────────────────────────────
  /** A slab's `ORACLE feed=` names no ORACLE block (CS-GUARD-ORACLE). */
  CS3001: { severity: 'error', spec: 'CS-GUARD-ORACLE', title: "slab's oracle is not declared" },
  /** |RESERVATION_BATCH ms − slab BATCH ms| > 10 (CS-GUARD-BATCH). */
  CS3002: { severity: 'error', spec: 'CS-GUARD-BATCH', title: 'reservation batch does not match the slab batch' },
  /** Block references that form a cycle, e.g. oracle failover chains (CS-GUARD-CYCLE). */
  CS3003: { severity: 'error', spec: 'CS-GUARD-CYCLE', title: 'reference cycle' },
  /** A slab fee above the router's registry fee cap (CS-GUARD-FEE, S2, ADV3). */
  CS3004: { severity: 'error', spec: 'CS-GUARD-FEE', title: 'fee exceeds the registry fee cap' },
  /** Margin parameters must satisfy imr > mmr > 0 (CS-GUARD-MARGIN). */
  CS3005: { severity: 'error', spec: 'CS-GUARD-MARGIN', title: 'margin ordering violated' },
  /** A slab's latency SLA above the router's ceiling or not below CAP_TTL (CS-GUARD-SLA). */
  CS3006: { severity: 'error', spec: 'CS-GUARD-SLA', title: 'latency SLA not respected' },
  /** CAP_TTL above 120 000 ms (CS-GUARD-TTL). */
  CS3007: { severity: 'error', spec: 'CS-GUARD-TTL', title: 'cap TTL above 120 s' },
  /** An oracle feed outside the approved list (CS-GUARD-FEED). */
  CS3008: { severity: 'error', spec: 'CS-GUARD-FEED', title: 'oracle feed not approved' },
  /** escrow.write, vault.write or cap.mint granted to a non-router holder (CS-GUARD-CAP, P1, P4, P6). */
  CS3009: { severity: 'error', spec: 'CS-GUARD-CAP', title: 'router-only capability granted elsewhere' },
  /** Insurance payouts without proof verification (CS-GUARD-INSURANCE, E2E4). */
  CS3010: { severity: 'error', spec: 'CS-GUARD-INSURANCE', title: 'insurance payouts must require proofs' },
  /** A reference (router_ref, failover feed, insurance asset) naming nothing declared (CS-GUARD-REF). */
  CS3011: { severity: 'error', spec: 'CS-GUARD-REF', title: 'unresolved reference' },

  // ── CS4xxx: reserved for the compiler's static analyzers (reference/compiler) ────────────────────
  /** The slab layout does not fit the 10 MiB segment (CS-ANALYZE-MEMORY, PFM3). */
  CS4001: { severity: 'error', spec: 'CS-ANALYZE-MEMORY', title: 'slab layout exceeds its segment' },
  /** A template uses a syscall its module does not declare (CS-ANALYZE-CAPS). */
  CS4002: { severity: 'error', spec: 'CS-ANALYZE-CAPS', title: 'syscall outside the declared capabilities' },
  /** A non-router module would hold escrow.write or cap.mint (CS-ANALYZE-CAPS, P4, P6). */
  CS4003: { severity: 'error', spec: 'CS-ANALYZE-CAPS', title: 'router-only capability in a non-router module' },
  /** An entrypoint's static gas bound is above the limit (CS-ANALYZE-GAS). */
  CS4004: { severity: 'error', spec: 'CS-ANALYZE-GAS', title: 'static gas bound too high' },
  /** A slab module lacks an interface entry (reserve, commit, cancel, batch_open, liquidation_call) or its CPI parameters (CS-ANALYZE-CPI, spec/manifest.md). */
  CS4005: { severity: 'error', spec: 'CS-ANALYZE-CPI', title: 'slab interface entry missing or malformed' },
  /** A value the lowering cannot place: a whole array copied, passed, returned or compared (CS-LOWER-VALUE). */
  CS4006: { severity: 'error', spec: 'CS-LOWER-VALUE', title: 'array used as a whole value' },
  /** A function needs more than the VM's 1024 local slots (CS-LOWER-LOCALS, VM-VAL-LOCAL-002). */
  CS4007: { severity: 'error', spec: 'CS-LOWER-LOCALS', title: 'function needs too many local slots' },
  /** An extern entry the callee module lacks, or whose argument or result words differ (CS-ANALYZE-EXTERN). */
  CS4008: { severity: 'error', spec: 'CS-ANALYZE-EXTERN', title: 'extern does not match the callee module' },
  /** A sub-grant the caller cannot give or the callee cannot run with: caps, pages (CS-ANALYZE-GRANT). */
  CS4009: { severity: 'error', spec: 'CS-ANALYZE-GRANT', title: 'sub-grant out of bounds' },
  /** A template given to the compiler without any `pub fn` (CS-COMPILE-001). */
  CS4010: { severity: 'error', spec: 'CS-COMPILE-001', title: 'template without an entry point' },
  /** Two venue blocks whose instances compile to byte-identical modules (CS-COMPILE-005). */
  CS4011: { severity: 'error', spec: 'CS-COMPILE-005', title: 'two instances compile to the same module' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
}

export function diagnostic(code: DiagnosticCode, message: string, span: Span): Diagnostic {
  return { code, severity: DIAGNOSTIC_CODES[code].severity, message, span };
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** Stable order for output: by offset, then code (the phase order breaks remaining ties). */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return diags
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.span.offset - b.d.span.offset || a.d.code.localeCompare(b.d.code) || a.i - b.i)
    .map((x) => x.d);
}

/** Split source text into lines the way the lexer counts them: `\r\n`, `\r` or `\n` end a line. */
export function sourceLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/**
 * `file:line:col: error CS2003: message`, then the source line and a caret line under the span
 * (CS-DIAG-003). Tabs in the source line are kept in the caret line so the caret lines up.
 */
export function renderDiagnostic(d: Diagnostic, source: string): string {
  const { file, line, col, endLine, endCol } = d.span;
  const head = `${file}:${line}:${col}: ${d.severity} ${d.code}: ${d.message}`;
  const text = sourceLines(source)[line - 1];
  if (text === undefined) return head;
  const width = endLine === line ? Math.max(1, endCol - col) : Math.max(1, text.length - col + 1);
  const pad = text.slice(0, col - 1).replace(/[^\t]/g, ' ');
  return `${head}\n${text}\n${pad}${'^'.repeat(width)}`;
}

export function renderDiagnostics(diags: readonly Diagnostic[], source: string): string {
  return diags.map((d) => renderDiagnostic(d, source)).join('\n');
}
