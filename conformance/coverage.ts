/**
 * The coverage map (spec/conformance.md CONF-COV-*): which rule ids each vector covers, every rule id of the
 * spec no vector covers, and ids that vectors cite but no document defines. Rule ids are extracted from the
 * spec texts, never listed by hand: a VM rule is defined where its id is written in bold (`**VM-GAS-004**`),
 * and a PERP_DESIGN.md invariant is an id of one of its families (P1, RM3, E2E2, …).
 */

/**
 * Ids defined in a spec text: the ids a bold run starts with — `**VM-GAS-004**`, `**CS-LEX-001 — tokens.**`,
 * `**PERP-ORD-006, PERP-ORD-007 — cancel**` (both) — for one prefix or several (`CS`, `MAN|CPI`).
 */
export function definedIds(text: string, prefix: string): string[] {
  const id = `(?:${prefix})-[A-Z0-9_]+(?:-[A-Z0-9_]+)*`;
  const head = new RegExp(`^${id}(?:, ${id})*`);
  const out = new Set<string>();
  for (const m of text.matchAll(/\*\*([^*\n]+)\*\*/g)) {
    const h = head.exec(m[1] as string);
    if (h) for (const x of h[0].split(', ')) out.add(x);
  }
  return [...out].sort();
}

/** Invariant ids of PERP_DESIGN.md: its families P, S, R, RM, M, L, F, ADV, E2E, GOV, OBS, PFM with a number. */
export function perpIds(text: string): string[] {
  const ids = [...text.matchAll(/\b(?:E2E|ADV|GOV|OBS|PFM|RM|P|S|R|M|L|F)[0-9]{1,2}\b/g)].map((m) => m[0]);
  const family = (id: string): string => id.replace(/[0-9]+$/, '');
  const num = (id: string): number => Number(/[0-9]+$/.exec(id)?.[0]);
  return [...new Set(ids)].sort((a, b) => (family(a) === family(b) ? num(a) - num(b) : family(a) < family(b) ? -1 : 1));
}

export interface Coverage {
  /** Per vector, the ids it covers. */
  readonly byVector: readonly { readonly id: string; readonly covers: readonly string[] }[];
  /** Per id (families in the order given, each in its sorted order), how many vectors cover it. */
  readonly byRule: readonly { readonly rule: string; readonly vectors: number }[];
  /** Per family (vm and perp always; cs, manifest, perpSpec… when given), the ids no vector covers. */
  readonly uncovered: { readonly vm: readonly string[]; readonly perp: readonly string[]; readonly [family: string]: readonly string[] };
  /** Ids cited by vectors that no document defines (a typo, or a rule that was retired). */
  readonly unknown: readonly string[];
}

/** The coverage of the VM rules, the PERP_DESIGN invariants and `more` families (name → the ids a document defines). */
export function coverage(vectors: readonly { readonly id: string; readonly covers: readonly string[] }[], vmIds: readonly string[], perp: readonly string[], more: Readonly<Record<string, readonly string[]>> = {}): Coverage {
  const families: Readonly<Record<string, readonly string[]>> = { vm: vmIds, ...more, perp };
  const counts = new Map<string, number>();
  for (const v of vectors) for (const c of v.covers) counts.set(c, (counts.get(c) ?? 0) + 1);
  const all = Object.values(families).flat();
  const known = new Set(all);
  return {
    byVector: vectors.map((v) => ({ id: v.id, covers: v.covers })),
    byRule: all.map((rule) => ({ rule, vectors: counts.get(rule) ?? 0 })),
    uncovered: { vm: [], perp: [], ...Object.fromEntries(Object.entries(families).map(([name, ids]) => [name, ids.filter((r) => !counts.has(r))])) },
    unknown: [...counts.keys()].filter((c) => !known.has(c)).sort(),
  };
}
