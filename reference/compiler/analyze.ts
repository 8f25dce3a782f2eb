/**
 * The compiler's static analyzers (spec/curvescript.md §10.3): CS-ANALYZE-MEMORY (the instance's
 * storage layout — header, instruments and pools — and its scratch memory fit the 10 MiB segment; the
 * report lists every pool with its capacity) and CS-ANALYZE-CAPS (every syscall and every `emit` is
 * covered by the module's declared capabilities; router-only capabilities never reach another module).
 */
import { diagnostic } from '../script/diagnostics.ts';
import type { Diagnostic, Span } from '../script/diagnostics.ts';
import { ROUTER_ONLY_CAPABILITIES } from '../script/validate.ts';
import type { VenueConfig } from '../script/index.ts';
import { CAP, CAPABILITIES, capNames, type CapabilityName } from '../vm/capabilities.ts';
import { MAX_PAGES, SEGMENT_LIMIT_BYTES } from '../vm/module.ts';
import { syscallByName } from '../vm/syscalls.ts';
import type { ModuleKind } from './artifact.ts';
import type { LoweredModule } from './lower.ts';

interface InstanceRef {
  readonly kind: ModuleKind;
  readonly block: { readonly name: string };
}

const mib = (n: number): string => `${(n / (1024 * 1024)).toFixed(2)} MiB`;

/** CS4001: storage and scratch memory each within SEGMENT_LIMIT_BYTES (PFM3). */
export function analyzeMemory(inst: InstanceRef, m: LoweredModule, at: Span): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (m.storageBytes > SEGMENT_LIMIT_BYTES) {
    const pools = [...m.storage].sort((a, b) => b.bytes - a.bytes).slice(0, 6)
      .map((s) => `${s.name} ${s.capacity !== undefined ? `${s.capacity}×${s.stride} B` : `${s.bytes} B`}`);
    out.push(diagnostic('CS4001', `${inst.kind} '${inst.block.name}' needs ${m.storageBytes} bytes of storage (${mib(m.storageBytes)}), over the ${mib(SEGMENT_LIMIT_BYTES)} segment; largest: ${pools.join(', ')}`, at));
  }
  if (m.memoryBytes > SEGMENT_LIMIT_BYTES) {
    out.push(diagnostic('CS4001', `${inst.kind} '${inst.block.name}' needs ${m.memoryBytes} bytes of scratch memory (local arrays), over the ${mib(SEGMENT_LIMIT_BYTES)} limit`, at));
  }
  return out;
}

export interface ModuleCaps {
  readonly bits: number;
  readonly names: readonly CapabilityName[];
  /** True when a CAP block declares them; false when inferred from what the template uses. */
  readonly declared: boolean;
}

const capOf = (name: string): CapabilityName | null => syscallByName(name)?.cap ?? null;

function toCaps(names: Iterable<string>, declared: boolean): ModuleCaps {
  const set = new Set(names);
  const list = CAPABILITIES.filter((c) => set.has(c.name)).map((c) => c.name);
  return { bits: list.reduce((b, n) => b | CAP[n], 0), names: list, declared };
}

/**
 * CS-ANALYZE-CAPS: the module's capabilities are the union of the GRANTS of the venue's CAP blocks
 * whose HOLDER is its kind; without such a block, exactly what the template uses.
 */
export function declaredCaps(kind: ModuleKind, venue: VenueConfig, m: LoweredModule): ModuleCaps {
  const blocks = venue.caps.filter((c) => c.holder.kind === kind);
  if (blocks.length > 0) return toCaps(blocks.flatMap((c) => c.grants.caps), true);
  const used = m.syscalls.map((s) => capOf(s.name)).filter((c): c is CapabilityName => c !== null);
  // CS-CALL-005: a module that calls needs `call`, and holds what it grants its callees
  const granted = m.calls.flatMap((c) => ['call', ...capNames(c.caps)]);
  return toCaps([...used, ...(m.emits.length > 0 ? ['log.emit'] : []), ...granted], false);
}

/** CS4002 for a use outside the declared set; CS4003 for a router-only capability outside the router. */
export function analyzeCaps(kind: ModuleKind, caps: ModuleCaps, m: LoweredModule): Diagnostic[] {
  const out: Diagnostic[] = [];
  const has = new Set<string>(caps.names);
  const check = (cap: CapabilityName, what: string, span: Span): void => {
    if (kind !== 'router' && (ROUTER_ONLY_CAPABILITIES as readonly string[]).includes(cap)) {
      out.push(diagnostic('CS4003', `${what} needs ${cap}, which only the router may hold (P4, P6)`, span));
    } else if (!has.has(cap)) {
      out.push(diagnostic('CS4002', `${what} needs ${cap}, which the ${kind} module does not declare (grant it in a CAP block with HOLDER kind=${kind})`, span));
    }
  };
  for (const s of m.syscalls) {
    const cap = capOf(s.name);
    if (cap !== null) check(cap, `syscall ${s.name}`, s.span);
  }
  for (const span of m.emits) check('log.emit', 'emit', span);
  for (const call of m.calls) check('call', `the call of ${call.callee}`, call.span);
  return out;
}

/**
 * CS-ANALYZE-GRANT (CS4009; VM-CAP-004, VM-CALL-007, VM-MEM-006): every sub-grant is one the caller can
 * give and the callee can run with — its caps within the caller's declared set, its pages at least the
 * callee's initial pages, and the caller's own pages plus the grant within MAX_PAGES.
 */
export function analyzeGrants(caps: ModuleCaps, m: LoweredModule, callerPages: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const call of m.calls) {
    const key = `${call.callee}|${call.declSpan.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const extra = call.caps & ~caps.bits;
    if (extra !== 0) out.push(diagnostic('CS4009', `the call of ${call.callee} grants ${capNames(extra).join(', ')}, which this module does not hold (VM-CAP-004 would halt it)`, call.declSpan));
    if (call.pages < call.calleePages) out.push(diagnostic('CS4009', `the call of ${call.callee} grants ${call.pages} page(s); the callee starts with ${call.calleePages} (VM-MEM-006)`, call.declSpan));
    if (callerPages + call.pages > MAX_PAGES) out.push(diagnostic('CS4009', `the call of ${call.callee} grants ${call.pages} page(s) on top of this module's ${callerPages}; at most ${MAX_PAGES} (VM-CALL-007)`, call.declSpan));
  }
  return out;
}
