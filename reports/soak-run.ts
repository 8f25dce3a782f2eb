/**
 * The soak runner's summary (soak/index.ts `runSoak`) as the soak gate's evidence (GATE-SOAK-001): per
 * seed events, simulated time and violations; the checkers with the PERP_DESIGN ids each covers. The ids
 * are those the soak's checkers report (soak/checkers.ts: F1, F2, F3, R4) plus the state predicates
 * checkInvariants evaluates on every honest node state (spec/invariants.md `checker`).
 */
import type { SoakSummary } from '../soak/index.ts';
import type { SoakRun } from './producers.ts';

/** Checkers of soak/checkers.ts that establish design ids, by the check id their violations carry. */
const CHECKERS: readonly { readonly name: string; readonly checks: readonly string[] }[] = [
  { name: 'at-most-once commit per route', checks: ['F3'] },
  { name: 'caps expire cleanly, expired routes released once', checks: ['F1', 'F2'] },
  { name: 'no commit after expiry', checks: ['R4'] },
];

export function soakRunOf(s: SoakSummary, checkerIds: readonly string[]): SoakRun {
  const perpName = 'perp invariants on every honest state (checkInvariants)';
  const nameOf = (check: string): string => CHECKERS.find((c) => c.checks.includes(check))?.name ?? (checkerIds.includes(check) ? perpName : check);
  return {
    seeds: s.per_seed.map((p) => ({
      seed: p.seed,
      events: p.events,
      simulatedMs: Math.round(p.simulated_seconds * 1000),
      violations: p.violations.map((v) => ({ checker: nameOf(v.check), invariant: v.check, message: `${v.kind} at ${v.atMs} ms: ${v.message} (${v.reproduce})` })),
    })),
    checkers: [...CHECKERS.map((c) => ({ name: c.name, invariants: c.checks })), { name: perpName, invariants: checkerIds }],
  };
}
