/**
 * The spec-level obligations (spec/proofs.md §3), one per rule id, grouped by the invariant families of
 * issue 5: safe debit, reservation bounds, margin math.
 */
import type { Obligation } from '../obligation.ts';
import { fundingPnlDefs } from './funding-pnl.ts';
import { marginDefs } from './margin.ts';
import { nettingDefs } from './margin-netting.ts';
import { reservationDefs } from './reservation.ts';
import { safeDebitDefs } from './safe-debit.ts';
import { specObligation, type SpecDef } from './spec-obligation.ts';

export const SPEC_DEFS: readonly SpecDef[] = [...safeDebitDefs, ...reservationDefs, ...marginDefs, ...nettingDefs, ...fundingPnlDefs];

export function specObligations(): (Obligation & { readonly def: SpecDef })[] {
  return SPEC_DEFS.map(specObligation);
}

/** The obligation table of spec/proofs.md §3 (generated; a test keeps the committed spec equal to it). */
export function obligationTable(): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|');
  const rows = SPEC_DEFS.map((d) => `| \`${d.id}\` | ${d.family} | ${d.invariants.join(', ')} | ${d.rules.join(', ')} | ${d.logic} | ${cell(d.bounds)} |`);
  return ['| obligation | family | invariants | rules | logic | declared bounds |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
