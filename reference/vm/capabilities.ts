/**
 * Capabilities (spec/curvevm.md §8, VM-CAP-*). A module declares the capabilities it may use; a call
 * grants a subset; the effective set of a frame is declared ∩ granted. Using an operation whose
 * capability is not effective is a trap (`capability`), never a silent no-op.
 */
export const CAPABILITIES = [
  { bit: 0, name: 'clock.read', doc: 'read the injected clock' },
  { bit: 1, name: 'oracle.read', doc: 'read oracle feeds' },
  { bit: 2, name: 'log.emit', doc: 'emit logs' },
  { bit: 3, name: 'escrow.read', doc: 'read escrow balances, nonces and cap records' },
  { bit: 4, name: 'escrow.write', doc: 'credit, debit and bump nonces of escrows (Router only)' },
  { bit: 5, name: 'vault.write', doc: 'move funds between wallets and vaults (Router only)' },
  { bit: 6, name: 'cap.mint', doc: 'mint and burn debit caps (Router only)' },
  { bit: 7, name: 'cap.debit', doc: 'the guarded debit through a cap scoped to the caller' },
  { bit: 8, name: 'call', doc: 'call another module by content hash' },
] as const;

export type CapabilityName = (typeof CAPABILITIES)[number]['name'];

export const CAP: { readonly [K in CapabilityName]: number } = Object.fromEntries(
  CAPABILITIES.map((c) => [c.name, 1 << c.bit]),
) as { [K in CapabilityName]: number };

/** Every defined bit; a module declaring any other bit fails validation (VM-VAL-CAP-001). */
export const CAP_ALL = CAPABILITIES.reduce((m, c) => m | (1 << c.bit), 0);

export function capNames(mask: number): CapabilityName[] {
  return CAPABILITIES.filter((c) => (mask & (1 << c.bit)) !== 0).map((c) => c.name);
}

/** Parse a list like `escrow.read,log.emit` (or `all`, `none`) into a mask; undefined names an unknown one. */
export function parseCapList(list: string): { mask: number } | { unknown: string } {
  const trimmed = list.trim();
  if (trimmed === '' || trimmed === 'none') return { mask: 0 };
  if (trimmed === 'all') return { mask: CAP_ALL };
  let mask = 0;
  for (const part of trimmed.split(',')) {
    const name = part.trim();
    const cap = CAPABILITIES.find((c) => c.name === name);
    if (!cap) return { unknown: name };
    mask |= 1 << cap.bit;
  }
  return { mask };
}
