/**
 * The module store (spec/curvevm.md §3.3, VM-STORE-*): modules are loaded by content hash; bytes that do
 * not hash to the name they were given are refused; linking resolves the transitive closure of imports,
 * shares diamond dependencies (one LoadedModule per hash), and reports missing modules and cycles.
 */
import { StoreError } from '../lib/errors.ts';
import { readUintLE } from '../lib/u128.ts';
import { decodeModule, type DecodedModule, type EntryDef, type Module } from './module.ts';
import { bytesToHex } from '../lib/hex.ts';
import { validateModule, type FunctionAnalysis } from './validate.ts';

export interface LoadedModule {
  readonly hashHex: string;
  /** Module id: the low 128 bits of the hash read little-endian (what SELF/CALLER return). */
  readonly id: bigint;
  readonly decoded: DecodedModule;
  readonly module: Module;
  readonly analyses: readonly FunctionAnalysis[];
  readonly entries: ReadonlyMap<string, EntryDef>;
  /** Filled by link(): the module each import resolves to, by import index. */
  imports: readonly LoadedModule[];
  linked: boolean;
}

export class ModuleStore {
  private readonly modules = new Map<string, LoadedModule>();

  /** Decode, validate and store module bytes; returns the stored module (idempotent per hash). */
  add(bytes: Uint8Array, file = ''): LoadedModule {
    const decoded = decodeModule(bytes, file);
    const existing = this.modules.get(decoded.hashHex);
    if (existing) return existing;
    const analyses = validateModule(decoded);
    const lm: LoadedModule = {
      hashHex: decoded.hashHex,
      id: readUintLE(decoded.hash, 0, 16),
      decoded,
      module: decoded.module,
      analyses,
      entries: new Map(decoded.module.entries.map((e) => [e.name, e])),
      imports: [],
      linked: false,
    };
    this.modules.set(lm.hashHex, lm);
    return lm;
  }

  /** Store bytes that must hash to `hashHex` (VM-STORE-001). */
  addExpecting(hashHex: string, bytes: Uint8Array, file = ''): LoadedModule {
    const decoded = decodeModule(bytes, file);
    if (decoded.hashHex !== hashHex.toLowerCase().replace(/^0x/, ''))
      throw new StoreError('VM-STORE-001', `module bytes hash to ${decoded.hashHex}, not ${hashHex}`, file);
    return this.add(bytes, file);
  }

  get(hashHex: string): LoadedModule | undefined {
    // Stored keys are already in normal form, so an exact hit needs no normalising.
    return this.modules.get(hashHex) ?? this.modules.get(hashHex.toLowerCase().replace(/^0x/, ''));
  }

  /** All stored hashes, sorted. */
  hashes(): string[] {
    return [...this.modules.keys()].sort();
  }

  /**
   * Resolve the import closure of a module (VM-STORE-002..004): every import present, its entry exists
   * with the declared arity, no cycle. Returns the linked module.
   */
  link(hashHex: string): LoadedModule {
    const root = this.get(hashHex);
    if (!root) throw new StoreError('VM-STORE-002', `module ${hashHex} is not in the store`);
    if (root.linked) return root; // once linked, a module's closure never changes (content addressing)
    const visiting: string[] = [];
    const visit = (lm: LoadedModule): void => {
      if (lm.linked) return;
      if (visiting.includes(lm.hashHex)) {
        const cycle = [...visiting.slice(visiting.indexOf(lm.hashHex)), lm.hashHex].map((h) => h.slice(0, 12)).join(' → ');
        throw new StoreError('VM-STORE-004', `import cycle: ${cycle}`);
      }
      visiting.push(lm.hashHex);
      const resolved = lm.module.imports.map((imp, i) => {
        const hex = bytesToHex(imp.module);
        const target = this.modules.get(hex);
        if (!target) throw new StoreError('VM-STORE-002', `module ${lm.hashHex.slice(0, 12)} import ${i} needs missing module ${hex}`);
        const entry = target.entries.get(imp.entry);
        if (!entry) throw new StoreError('VM-STORE-003', `module ${hex.slice(0, 12)} has no entry ${imp.entry}`);
        if (entry.params.length !== imp.params || entry.results.length !== imp.results)
          throw new StoreError('VM-STORE-003', `import ${imp.entry} declared ${imp.params}→${imp.results}, callee has ${entry.params.length}→${entry.results.length}`);
        visit(target);
        return target;
      });
      visiting.pop();
      lm.imports = resolved;
      lm.linked = true;
    };
    visit(root);
    return root;
  }
}
