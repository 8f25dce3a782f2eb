/** Shared helpers for the CurveScript tests (not a test file: ava runs `*.test.ts` only). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../reference/script/diagnostics.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function readRepoFile(path: string): string {
  return readFileSync(ROOT + path, 'utf8');
}

/** Deep copy without source positions: trees equal "modulo spans" compare equal here. */
export function stripSpans(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripSpans);
  if (x !== null && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'span' && k !== 'head') out[k] = stripSpans(v);
    return out;
  }
  return x;
}

/** `CODE line:col` of each diagnostic, in order. */
export function codesAt(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.code} ${d.span.line}:${d.span.col}`);
}

export const codes = (diags: readonly Diagnostic[]): string[] => diags.map((d) => d.code);

/** A minimal venue that checks clean; tests edit one line of it to trip one rule. */
export const BASE_VENUE = `ROUTER {
  COLLATERAL asset=USDC vault_cap=1_000_000
  CAP_TTL ms=60_000
  RESERVATION_BATCH ms=50
  FEE_CAPS maker_bps_max=10 taker_bps_max=20
  INSURANCE asset=USDC
}
SLAB "perp:SOL-PERP" {
  INSTRUMENT symbol=SOL contract_size=1 tick=1 lot=1
  ORACLE feed="pyth:SOLUSD"
  RISK imr_bps=500 mmr_bps=300
  FEE maker_bps=1 taker_bps=2
  BATCH ms=50
}
ORACLE "pyth:SOLUSD" {
  HEARTBEAT ms=400
}
`;

/** BASE_VENUE with each `[from, to]` replaced once (throws when `from` is absent: a broken test). */
export function editVenue(...edits: readonly (readonly [string, string])[]): string {
  let s = BASE_VENUE;
  for (const [from, to] of edits) {
    if (!s.includes(from)) throw new Error(`BASE_VENUE has no '${from}'`);
    s = s.replace(from, to);
  }
  return s;
}
