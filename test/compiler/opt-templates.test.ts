/**
 * CS-OPT-003…008 on the standard library (spec/curvescript.md §10.4): the slab template of
 * examples/perp.curve compiled with every optimisation and with `optimize: false` runs random sequences
 * of place, reserve, fund + commit (right or wrong salt), cancel, batch_open, funding_tick and
 * liquidation_call; every call observes the same status, halt, revert code, results, logs and state
 * writes on both, each within its own gas bound, and the optimised one uses no more gas.
 */
import test from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import type { CompiledModule } from '../../reference/compiler/artifact.ts';
import { compileVenue, type TemplateSet } from '../../reference/compiler/compile.ts';
import { readUintLE } from '../../reference/lib/u128.ts';
import { commitment, nameId } from '../../reference/script/ids.ts';
import { execute, type ExecResult } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

const read = (file: string) => ({ file, text: readFileSync(file, 'utf8') });
const STDLIB: TemplateSet = { router: read('stdlib/router.curve'), slab: read('stdlib/slab.curve'), oracle: read('stdlib/oracle.curve') };

function slabOf(optimize: boolean): CompiledModule {
  const r = compileVenue(read('examples/perp.curve'), STDLIB, { optimize });
  const slab = r.modules?.find((m) => m.name === 'slab:perp:SOL-PERP');
  if (!slab) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  return slab;
}

const ROUTER = 77n;
const ASSET = 9n;
const FEED = nameId('pyth:SOLUSD');

const leHex = (v: bigint): string => Buffer.from(Array.from({ length: 16 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn))).toString('hex');

/**
 * One slab in its own world, driven as the router would drive it. Hold ids hash the slab's own module id
 * (CS-ID-004), which differs between the two builds: they are shown as `<hold k>`, k in reserve order.
 */
class Slab {
  readonly world = new World();
  private readonly store = new ModuleStore();
  private readonly hex: string;
  readonly id: bigint;
  readonly holds: bigint[] = [];
  gas = 0;

  constructor(readonly m: CompiledModule) {
    const lm = this.store.add(m.bytes);
    this.hex = lm.hashHex;
    this.id = lm.id;
  }

  /** Hold ids, and the slab id (in cap and escrow records and keys), shown by name. */
  private norm(hex: string): string {
    const held = this.holds.reduce((h, id, k) => h.split(leHex(id)).join(`<hold ${k}>`), hex);
    return held.split(leHex(this.id)).join('<slab>').split(this.id.toString(16).padStart(32, '0')).join('<slab>').split(this.hex).join('<slab>');
  }

  /** Storage words written, as runs of consecutive words (a hold id straddles two), normalised. */
  private state(r: ExecResult): unknown {
    const words = r.stateDiff.filter((d) => d.key.startsWith(`word/${this.hex}/`)).map((d) => ({ at: parseInt(d.key.split('/')[2] ?? '', 16), d }));
    words.sort((x, y) => x.at - y.at);
    const runs: { at: number; before: string; after: string }[] = [];
    for (const w of words) {
      const last = runs[runs.length - 1];
      const pad = (h: string) => h.padStart(32, '0');
      if (last && last.at + last.before.length / 32 === w.at) {
        last.before += pad(w.d.before);
        last.after += pad(w.d.after);
      } else runs.push({ at: w.at, before: pad(w.d.before), after: pad(w.d.after) });
    }
    const other = r.stateDiff.filter((d) => !d.key.startsWith(`word/${this.hex}/`)).map((d) => ({ key: this.norm(d.key), before: this.norm(d.before), after: this.norm(d.after) }));
    // the unchanged words either side of a run (a hold id may straddle into one)
    const seg = this.world.segment(this.hex, 0).bytes;
    const word = (at: number): string => (at < 0 || (at + 1) * 16 > seg.length ? '' : Buffer.from(seg.subarray(at * 16, at * 16 + 16)).toString('hex'));
    const ctx = (x: { at: number; before: string }, h: string): string => this.norm(word(x.at - 1) + h + word(x.at + x.before.length / 32));
    return { runs: runs.map((x) => ({ at: x.at, before: ctx(x, x.before), after: ctx(x, x.after) })), other };
  }

  call(entry: string, args: readonly bigint[], now: bigint): { seen: unknown; r: ExecResult; overBound: boolean } {
    const r = execute(this.store, this.world, this.hex, entry, [...args], { gasLimit: 50_000_000, now, origin: ROUTER, stateRoot: false });
    if (r.status === 'ok') this.world.commit();
    if (entry === 'reserve' && r.status === 'ok') this.holds.push(r.results[0] as bigint);
    this.gas += r.gasUsed;
    const bound = this.m.entries.find((e) => e.name === entry)?.gasBound ?? 0n;
    const seen = {
      entry,
      status: r.status,
      halt: r.halt,
      revertCode: r.revertCode,
      results: r.results.map((v) => (this.holds.includes(v) ? `<hold ${this.holds.indexOf(v)}>` : v)),
      logs: r.logs.map((l) => ({ topics: l.topics, data: this.norm(Buffer.from(l.data).toString('hex')) })),
      state: this.state(r),
    };
    return { seen, r, overBound: BigInt(r.gasUsed) > bound };
  }
}

type Action =
  | { readonly k: 'place'; readonly maker: bigint; readonly side: bigint; readonly px: bigint; readonly qty: bigint }
  | { readonly k: 'reserve'; readonly user: bigint; readonly side: bigint; readonly qty: bigint; readonly px: bigint }
  | { readonly k: 'commit'; readonly which: number; readonly wrongSalt: boolean }
  | { readonly k: 'cancel'; readonly which: number }
  | { readonly k: 'tick'; readonly ms: bigint; readonly entry: 'batch_open' | 'funding_tick' }
  | { readonly k: 'liquidate'; readonly user: bigint; readonly qty: bigint };

const px = fc.integer({ min: 98, max: 102 }).map((n) => BigInt(n) * 1_000n); // SOL tick 1_000
const side = fc.constantFrom(0n, 1n);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ k: fc.constant('place' as const), maker: fc.constantFrom(11n, 12n, 13n), side, px, qty: fc.bigInt({ min: 1n, max: 6n }) }),
  fc.record({ k: fc.constant('place' as const), maker: fc.constantFrom(11n, 12n, 13n), side, px, qty: fc.bigInt({ min: 1n, max: 6n }) }),
  fc.record({ k: fc.constant('reserve' as const), user: fc.constantFrom(5n, 6n, 11n), side, qty: fc.bigInt({ min: 1n, max: 8n }), px }),
  fc.record({ k: fc.constant('reserve' as const), user: fc.constantFrom(5n, 6n), side: fc.constant(0n), qty: fc.bigInt({ min: 1n, max: 2n }), px: fc.constant(102_000n) }),
  fc.record({ k: fc.constant('reserve' as const), user: fc.constantFrom(5n, 6n), side: fc.constant(1n), qty: fc.bigInt({ min: 1n, max: 2n }), px: fc.constant(98_000n) }),
  fc.record({ k: fc.constant('commit' as const), which: fc.nat(), wrongSalt: fc.boolean() }),
  fc.record({ k: fc.constant('commit' as const), which: fc.nat(), wrongSalt: fc.constant(false) }),
  fc.record({ k: fc.constant('commit' as const), which: fc.constant(-1), wrongSalt: fc.constant(false) }),
  fc.record({ k: fc.constant('cancel' as const), which: fc.nat() }),
  fc.record({ k: fc.constant('tick' as const), ms: fc.bigInt({ min: 0n, max: 4_000_000n }), entry: fc.constantFrom('batch_open' as const, 'funding_tick' as const) }),
  fc.record({ k: fc.constant('liquidate' as const), user: fc.constantFrom(5n, 6n, 11n), qty: fc.bigInt({ min: 1n, max: 10n }) }),
);

const w32 = (b: Uint8Array): [bigint, bigint] => [readUintLE(b, 0, 16), readUintLE(b, 16, 16)];

const OPTIMISED = slabOf(true);
const PLAIN = slabOf(false);

test('CS-OPT-003 CS-OPT-004 CS-OPT-005 CS-OPT-007 property: the optimised slab template behaves as the unoptimised one on random call sequences', (t) => {
  t.not(OPTIMISED.hash, PLAIN.hash, 'the optimisations change the code');
  fc.assert(
    fc.property(fc.array(actionArb, { minLength: 12, maxLength: 40 }), (actions) => {
      const slabs = [new Slab(OPTIMISED), new Slab(PLAIN)] as const;
      let now = 1_000n;
      /** Per reservation: what was asked, and per slab its hold id, slot and max charge. */
      const holds: { route: bigint; side: bigint; qty: bigint; px: bigint; salt: Uint8Array; user: bigint; per: (readonly bigint[])[] }[] = [];
      const both = (entry: string, args: (i: number) => readonly bigint[]): (readonly bigint[])[] => {
        const [a, b] = slabs.map((s, i) => s.call(entry, args(i), now));
        t.deepEqual(a?.seen, b?.seen, entry);
        t.false(a?.overBound, `${entry} within the optimised gas bound`);
        t.false(b?.overBound, `${entry} within the plain gas bound`);
        return [a, b].map((x) => (x?.r.status === 'ok' ? x.r.results : []));
      };
      for (const s of slabs) s.world.setOracle(FEED, { price: 100_000n, publishTime: now });
      both('init', () => [ROUTER, 8n, 8n, 2_000n]);
      for (const m of [11n, 12n]) both('set_dlp', () => [m, 1n]);
      let n = 0n;
      for (const a of actions) {
        n += 1n;
        switch (a.k) {
          case 'place':
            both('place', () => [a.maker, 0n, a.side, a.px, a.qty]);
            break;
          case 'reserve': {
            const salt = new Uint8Array(32).fill(Number(n % 251n));
            const com = commitment(n, 0n, a.side, a.qty, a.px, salt);
            const per = both('reserve', () => [n, a.user, 0n, a.side, a.qty, a.px, 60_000n, ...w32(com)]);
            if ((per[0] ?? []).length > 0) holds.push({ route: n, side: a.side, qty: a.qty, px: a.px, salt, user: a.user, per });
            break;
          }
          case 'commit': {
            const h = a.which < 0 ? holds[holds.length - 1] : holds[a.which % Math.max(1, holds.length)];
            if (!h) break;
            const caps = slabs.map((s, i) => {
              const [, , , , , maxCharge] = h.per[i] as bigint[];
              const cap = s.world.mintCapId();
              s.world.setCap(cap, { user: h.user, slab: s.id, asset: ASSET, amountMax: maxCharge as bigint, remaining: maxCharge as bigint, expiry: now + 120_000n, nonce: 0n, burned: false });
              s.world.setEscrow(h.user, s.id, ASSET, { balance: maxCharge as bigint, nonce: 0n });
              s.world.commit();
              return cap;
            });
            const salt = a.wrongSalt ? new Uint8Array(32).fill(255) : h.salt;
            both('commit', (i) => [(h.per[i] as bigint[])[0] as bigint, (h.per[i] as bigint[])[1] as bigint, caps[i] as bigint, h.side, h.qty, h.px, ...w32(salt)]);
            break;
          }
          case 'cancel': {
            const h = holds[a.which % Math.max(1, holds.length)];
            if (h) both('cancel', (i) => [(h.per[i] as bigint[])[0] as bigint, (h.per[i] as bigint[])[1] as bigint]);
            break;
          }
          case 'tick':
            now += a.ms;
            for (const s of slabs) s.world.setOracle(FEED, { price: 99_600n + (now % 800n), publishTime: now });
            both(a.entry, () => [0n]);
            break;
          case 'liquidate':
            both('liquidation_call', () => [a.user, 0n, a.qty]);
            break;
        }
      }
      t.true(slabs[0].gas <= slabs[1].gas, 'the optimised slab uses no more gas');
    }),
    { numRuns: 60 },
  );
});
