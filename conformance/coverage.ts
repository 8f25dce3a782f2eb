/**
 * The coverage map (spec/conformance.md CONF-COV-*): which rule ids each vector covers, every rule id of the
 * spec no vector covers, and ids that vectors cite but no document defines. Rule ids are extracted from the
 * spec texts, never listed by hand: a VM rule is defined where its id is written in bold (`**VM-GAS-004**`),
 * and a PERP_DESIGN.md invariant is an id of one of its families (P1, RM3, E2E2, …).
 */

/** Ids defined in a spec text: each id written in bold (`**VM-…**`, `**CONF-…**`). */
export function definedIds(text: string, prefix: string): string[] {
  const re = new RegExp(`\\*\\*(${prefix}-[A-Z0-9_]+(?:-[A-Z0-9_]+)*)\\*\\*`, 'g');
  return [...new Set([...text.matchAll(re)].map((m) => m[1] as string))].sort();
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
  /** Per id (spec ids first, in spec order of the sorted list), how many vectors cover it. */
  readonly byRule: readonly { readonly rule: string; readonly vectors: number }[];
  /** Spec ids no vector covers. */
  readonly uncovered: { readonly vm: readonly string[]; readonly perp: readonly string[] };
  /** Ids cited by vectors that no document defines (a typo, or a rule that was retired). */
  readonly unknown: readonly string[];
}

export function coverage(vectors: readonly { readonly id: string; readonly covers: readonly string[] }[], vmIds: readonly string[], perp: readonly string[]): Coverage {
  const counts = new Map<string, number>();
  for (const v of vectors) for (const c of v.covers) counts.set(c, (counts.get(c) ?? 0) + 1);
  const known = new Set([...vmIds, ...perp]);
  return {
    byVector: vectors.map((v) => ({ id: v.id, covers: v.covers })),
    byRule: [...vmIds, ...perp].map((rule) => ({ rule, vectors: counts.get(rule) ?? 0 })),
    uncovered: { vm: vmIds.filter((r) => !counts.has(r)), perp: perp.filter((r) => !counts.has(r)) },
    unknown: [...counts.keys()].filter((c) => !known.has(c)).sort(),
  };
}
