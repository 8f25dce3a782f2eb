/**
 * The evidence matrix (spec/gate.md GATE-EVID-*): every invariant id of PERP_DESIGN.md against the
 * proofs, vectors, tests, model checks, VM differential runs and soak checkers that cover it, with their
 * status. Ids come from the texts (the design, spec/invariants.md, test sources), never from a hand list.
 */
import { perpIds } from '../conformance/coverage.ts';
import type { EvidenceItem, EvidenceKind } from './types.ts';

/** PERP_DESIGN.md invariant ids, families in a stable order. */
export function designIds(designText: string): string[] {
  return perpIds(designText);
}

const ID = '(?:E2E|ADV|GOV|OBS|PFM|RM|P|S|R|M|L|F)[0-9]{1,2}';

/**
 * Ids spec/invariants.md marks `(…, checker)`: the state predicates reference/perp/model checkInvariants
 * implements (the differential stage's model checks cover exactly these).
 */
export function checkerIds(invariantsText: string): string[] {
  const re = new RegExp(`^- \\*\\*(${ID})\\*\\* \\(([^)]*)\\)`, 'gm');
  return [...invariantsText.matchAll(re)].filter((m) => /\bchecker\b/.test(m[2] as string)).map((m) => m[1] as string);
}

/** The invariant ids a title starts with: `S7/M2 pending orders …` → [S7, M2]. */
export function leadingIds(title: string): string[] {
  const m = new RegExp(`^(${ID}(?:\\s*[/,+&]\\s*${ID})*)\\b`).exec(title);
  return m ? [...(m[1] as string).matchAll(new RegExp(ID, 'g'))].map((x) => x[0]) : [];
}

export interface CitingTest {
  readonly file: string;
  readonly title: string;
  readonly ids: readonly string[];
}

/** Tests (ava `test(…)` with a literal title) whose titles start with an id of `known`. */
export function citingTests(files: readonly { readonly file: string; readonly text: string }[], known: readonly string[]): CitingTest[] {
  const ok = new Set(known);
  const re = /\btest(?:\.serial)?\(\s*(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`([^`$\\]*)`)/g;
  const out: CitingTest[] = [];
  for (const f of files) {
    for (const m of f.text.matchAll(re)) {
      const title = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
      const ids = leadingIds(title).filter((id) => ok.has(id));
      if (ids.length) out.push({ file: f.file, title, ids });
    }
  }
  return out;
}

export type RowStatus = 'covered' | 'failing' | 'no evidence';

export interface MatrixRow {
  readonly id: string;
  readonly family: string;
  readonly status: RowStatus;
  /** Count of evidence items per kind and status. */
  readonly counts: Readonly<Partial<Record<EvidenceKind, { readonly pass: number; readonly fail: number; readonly pending: number }>>>;
  readonly evidence: readonly EvidenceItem[];
}

export interface Matrix {
  readonly ids: number;
  readonly covered: number;
  readonly failing: readonly string[];
  readonly noEvidence: readonly string[];
  readonly rows: readonly MatrixRow[];
}

/**
 * GATE-EVID-002: an id is `failing` when any item covering it failed, `covered` when at least one passed
 * (or, with countPending, exists), `no evidence` otherwise. Items citing ids the design does not define
 * are dropped (conformance coverage reports those).
 */
export function buildMatrix(ids: readonly string[], evidence: readonly EvidenceItem[], countPending: boolean): Matrix {
  const by = new Map<string, EvidenceItem[]>(ids.map((id) => [id, []]));
  for (const e of evidence) by.get(e.invariant)?.push(e);
  const rows = ids.map((id): MatrixRow => {
    const items = by.get(id) ?? [];
    const counts: Partial<Record<EvidenceKind, { pass: number; fail: number; pending: number }>> = {};
    for (const e of items) {
      const c = (counts[e.kind] ??= { pass: 0, fail: 0, pending: 0 });
      c[e.status] += 1;
    }
    const status: RowStatus = items.some((e) => e.status === 'fail') ? 'failing' : items.some((e) => e.status === 'pass' || (countPending && e.status === 'pending')) ? 'covered' : 'no evidence';
    return { id, family: id.replace(/[0-9]+$/, ''), status, counts, evidence: items };
  });
  return {
    ids: ids.length,
    covered: rows.filter((r) => r.status === 'covered').length,
    failing: rows.filter((r) => r.status === 'failing').map((r) => r.id),
    noEvidence: rows.filter((r) => r.status === 'no evidence').map((r) => r.id),
    rows,
  };
}
