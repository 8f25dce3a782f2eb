/**
 * The prove producer's result from what the prover pool reported (cli/prove-producer.ts) (spec/gate.md GATE-PROVE-003): the
 * obligation list, the verdicts it reached, and the bundle when it finished. An obligation without a
 * verdict — the prover stopped at its time budget, crashed, or never listed its level — is `unknown` with
 * the reason, never dropped; the proof-hash slots get the bundle hash only when the run completed and
 * every obligation is proved (MAN-PROOF-001, as `curve compile --prove` does).
 */
import type { ProofResult, ProofRun } from './producers.ts';

export interface ObligationInfo {
  readonly id: string;
  readonly family: string;
  readonly level: string;
  readonly invariants: readonly string[];
}

/** What the prover reported, in this order: `obligations`, `entry` per decided obligation, `done` when it completed. */
export type ProveMessage =
  | { readonly type: 'obligations'; readonly list: readonly ObligationInfo[] }
  | { readonly type: 'entry'; readonly entry: ObligationInfo & { readonly verdict: string; readonly reason?: string; readonly seconds: number } }
  | { readonly type: 'done'; readonly solver: string; readonly bundleHash: string; readonly bundleJson: string }
  | { readonly type: 'error'; readonly message: string };

/** The kinds of module the bytecode obligations are stated over: they get the proof hash. */
const PROVED_KINDS = ['router', 'slab'];

export function proofRunOf(messages: readonly ProveMessage[], modules: readonly { readonly name: string; readonly kind: string }[], stopped?: string): ProofRun {
  const listed: ObligationInfo[] = [];
  const decided = new Map<string, ProofResult>();
  let done: Extract<ProveMessage, { type: 'done' }> | undefined;
  const errors: string[] = [];
  for (const m of messages) {
    if (m.type === 'obligations') listed.push(...m.list);
    else if (m.type === 'entry') decided.set(m.entry.id, m.entry);
    else if (m.type === 'done') done = m;
    else errors.push(m.message);
  }
  const why = stopped ?? (errors.length ? `prover error: ${errors[0]}` : done ? undefined : 'the prover ended without a result');
  const obligations: ProofResult[] = listed.map((o) => decided.get(o.id) ?? { ...o, verdict: 'unknown', seconds: 0, decided: false, reason: 'not decided' });
  for (const [id, r] of decided) if (!listed.some((o) => o.id === id)) obligations.push(r);
  const complete = done !== undefined && why === undefined;
  const allProved = complete && obligations.length > 0 && obligations.every((o) => o.verdict === 'proved');
  const certificates = allProved && done ? Object.fromEntries(modules.filter((m) => PROVED_KINDS.includes(m.kind)).map((m) => [m.name, done.bundleHash])) : {};
  return {
    solver: done?.solver ?? 'z3-solver',
    obligations,
    certificates,
    ...(done && complete ? { bundle: { hash: done.bundleHash, json: done.bundleJson } } : {}),
    ...(why !== undefined ? { stopped: why } : {}),
  };
}
