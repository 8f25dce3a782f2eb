/**
 * Compiler vectors (kind `compiler.compile`, conformance/kinds-compiler.ts), in two groups:
 *
 * - `compiler`: self-contained. Small templates written here (a router, a slab with the five interface
 *   entries, an oracle) and a small venue; the golden diagnostics corpus of the front end
 *   (test/script/fixtures/diagnostics/, one source per CS1xxx–CS3xxx code, placed as the venue or as the
 *   template its header names); hand-written sources for the compiler's own codes (CS2010, CS2110,
 *   CS4001–CS4007, CS4010, CS4011). Re-filled when the front end, the compiler or that corpus changes.
 * - `compiler-stdlib`: the examples compiled against the standard library (stdlib/*.curve), recording what
 *   the current stdlib gives. These depend on the stdlib templates and must be re-filled whenever they change:
 *   `node bin/curve.js conformance fill` (or `npm run conformance:fill`), then commit
 *   conformance/vectors/compiler-stdlib/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { FillSpec, Filler } from '../filler.ts';
import type { CompilerExpect, CompilerInput } from '../kinds-compiler.ts';

const ROOT = new URL('../../', import.meta.url);
const read = (rel: string): { file: string; text: string } => ({ file: rel, text: readFileSync(new URL(rel, ROOT), 'utf8') });
const CORPUS = 'test/script/fixtures/diagnostics/';

const MINI_VENUE = `ROUTER "main" {
  COLLATERAL asset=USDC vault_cap=1_000_000_000
  CAP_TTL ms=60_000
  RESERVATION_BATCH ms=50
  FEE_CAPS maker_bps_max=10 taker_bps_max=20
  INSURANCE asset=USDC require_proof=true
}
SLAB "perp:SOL-PERP" {
  INSTRUMENT symbol=SOL contract_size=1 tick=1 lot=1
  ORACLE feed="pyth:SOLUSD"
  RISK imr_bps=500 mmr_bps=300
  FEE maker_bps=1 taker_bps=2
  BATCH ms=50
}
ORACLE "pyth:SOLUSD" {
  HEARTBEAT ms=400
}
CAP "router" {
  HOLDER kind=router
  GRANTS caps=["clock.read", "log.emit", "escrow.read", "escrow.write", "vault.write", "cap.mint"]
}
CAP "slab" {
  HOLDER kind=slab
  GRANTS caps=["clock.read", "oracle.read", "log.emit", "cap.debit"]
}
`;

const MINI_ROUTER = `template router;
error E_DEPOSIT = 1;
event Deposited(user: address, amount: u128);
pub fn deposit(user: address, asset: u128, amount: u128) {
  require(vault_deposit(user, asset, amount) == SYS_OK, E_DEPOSIT);
  emit Deposited(user, amount);
}
pub fn ttl() -> u64 { return cfg.cap_ttl_ms; }
`;

const SLAB_ENTRIES = `pub fn reserve(user: address, qty: u128) -> u128 { held = held + qty; return held; }
pub fn commit(cap: u128, amount: u128) -> u128 { return cap_debit(cap, amount) as u128; }
pub fn cancel(h: u64) -> bool { return h > 0; }
pub fn batch_open(now: u64) -> u64 { return now + cfg.batch_ms; }
pub fn liquidation_call(user: address, deficit: u128) { held = deficit; }
`;
const MINI_SLAB = `template slab;\nstorage held: u128;\n${SLAB_ENTRIES}`;
const MINI_ORACLE = `template oracle;\npub fn read() -> OracleReading { return oracle(cfg.name_id); }\n`;

const MINI = { router: { file: 'mini/router.curve', text: MINI_ROUTER }, slab: { file: 'mini/slab.curve', text: MINI_SLAB }, oracle: { file: 'mini/oracle.curve', text: MINI_ORACLE } };
const venue = (text = MINI_VENUE, file = 'mini/venue.curve') => ({ file, text });

/** A compile vector; `want` is the code the result must report, "ok" for a compile without errors, or "any". */
function compileVector(id: string, description: string, input: CompilerInput, want: string): FillSpec {
  return {
    draft: { id, kind: 'compiler.compile', description, covers: [], pre: { modules: {}, state: {} }, input },
    check: (e) => {
      const x = e as CompilerExpect;
      const codes = x.diagnostics.map((d) => d.code);
      if (want === 'any') return undefined;
      if (want === 'ok') return x.modules ? undefined : `wanted a compile, got ${codes.join(', ')}`;
      return codes.includes(want) ? undefined : `wanted ${want}, got ${codes.join(', ') || 'none'}`;
    },
  };
}

/** The template kind a corpus source declares (its header), or undefined for a venue script. */
function templateKind(text: string): 'router' | 'slab' | 'oracle' | undefined {
  const m = /^(?:\s|\/\/[^\n]*\n|#[^\n]*\n)*template\s+(router|slab|oracle)\s*;/.exec(text);
  return m ? (m[1] as 'router' | 'slab' | 'oracle') : undefined;
}

function corpusVectors(): FillSpec[] {
  const files = readdirSync(new URL(CORPUS, ROOT)).filter((f) => f.endsWith('.curve')).sort();
  return files.map((f) => {
    const src = read(CORPUS + f);
    const code = f.slice(0, 6);
    const kind = templateKind(src.text);
    const input = kind ? { venue: venue(), templates: { ...MINI, [kind]: src } } : { venue: src, templates: MINI };
    return compileVector(`compiler/diagnostics/${f.replace(/\.curve$/, '')}`, `${code}: ${f} as the ${kind ? `${kind} template` : 'venue'} reports its golden diagnostics`, input, code);
  });
}

function compilerVectors(): FillSpec[] {
  const tpl = (kind: 'router' | 'slab' | 'oracle', text: string) => ({ ...MINI, [kind]: { file: `bad/${kind}.curve`, text } });
  const twoSlabs = MINI_VENUE.replace('ORACLE "pyth:SOLUSD"', 'SLAB "perp:ETH-PERP" {\n  INSTRUMENT symbol=ETH contract_size=1 tick=1 lot=1\n  ORACLE feed="pyth:SOLUSD"\n  RISK imr_bps=400 mmr_bps=200\n  FEE maker_bps=2 taker_bps=3\n  BATCH ms=55\n}\nORACLE "pyth:SOLUSD"');
  return [
    compileVector('compiler/ok/mini', 'a router, a slab and an oracle from small templates: module, descriptor and manifest hashes', { venue: venue(), templates: MINI }, 'ok'),
    compileVector('compiler/ok/two-slabs', 'two SLAB blocks: one module per block, different constants, different hashes', { venue: venue(twoSlabs), templates: MINI }, 'ok'),
    compileVector('compiler/ok/cfg-constant', 'a changed CAP_TTL changes the router module and the manifest, not the slab', { venue: venue(MINI_VENUE.replace('CAP_TTL ms=60_000', 'CAP_TTL ms=90_000')), templates: MINI }, 'ok'),
    compileVector('compiler/driver/CS2010-template-as-venue', 'a template given as the venue script', { venue: MINI.slab, templates: MINI }, 'CS2010'),
    compileVector('compiler/driver/CS2110-wrong-template', 'the router template given as the slab template', { venue: venue(), templates: { ...MINI, slab: MINI.router } }, 'CS2110'),
    compileVector('compiler/driver/CS2110-venue-as-template', 'a venue script given as the oracle template', { venue: venue(), templates: { ...MINI, oracle: venue() } }, 'CS2110'),
    compileVector('compiler/analyzers/CS4001-segment', 'a slab whose storage does not fit the 10 MiB segment', { venue: venue(), templates: tpl('slab', `template slab;\nstorage held: u128;\nstorage big: [u128; 1_000_000];\n${SLAB_ENTRIES}`) }, 'CS4001'),
    compileVector('compiler/analyzers/CS4002-undeclared-syscall', 'a slab that reads escrow balances without escrow.read in its CAP block', { venue: venue(), templates: tpl('slab', `${MINI_SLAB}pub fn bal(u: address) -> u128 { return escrow_balance(u, u, 1); }\n`) }, 'CS4002'),
    compileVector('compiler/analyzers/CS4003-router-only', 'a slab that credits escrow (router only)', { venue: venue(), templates: tpl('slab', `${MINI_SLAB}pub fn steal(u: address) -> u64 { return escrow_credit(u, u, 1, 1); }\n`) }, 'CS4003'),
    compileVector('compiler/analyzers/CS4004-gas', 'an entry whose static gas bound passes the limit', { venue: venue(), templates: tpl('slab', `${MINI_SLAB}pub fn spin() { for i in 0..65536 { for j in 0..65536 { held = (i + j) as u128; } } }\n`) }, 'CS4004'),
    compileVector('compiler/analyzers/CS4005-interface', 'a slab without its cancel entry', { venue: venue(), templates: tpl('slab', MINI_SLAB.replace('pub fn cancel(h: u64) -> bool { return h > 0; }\n', '')) }, 'CS4005'),
    compileVector('compiler/analyzers/CS4006-array-value', 'a storage array copied as a whole value', { venue: venue(), templates: tpl('router', 'template router;\nstorage xs: [u64; 4];\npub fn f() { let _a = xs; }\n') }, 'CS4006'),
    compileVector(
      'compiler/analyzers/CS4007-locals',
      'a function that needs more than 1024 local slots',
      { venue: venue(), templates: tpl('router', `template router;\npub fn f() -> u128 { ${Array.from({ length: 1100 }, (_, i) => (i === 0 ? 'let v0: u128 = 1;' : `let v${i}: u128 = v${i - 1} + 1;`)).join(' ')} return v1099; }\n`) },
      'CS4007',
    ),
    compileVector('compiler/driver/CS4011-twin-slabs', 'two SLAB blocks the slab template does not tell apart compile to one module', { venue: venue(MINI_VENUE.replace(/SLAB "perp:SOL-PERP" \{[^}]*\}\n/, (b) => b + b.replace('perp:SOL-PERP', 'perp:SOL2-PERP'))), templates: MINI }, 'CS4011'),
    compileVector('compiler/driver/CS4010-no-entry', 'a router template without any pub fn', { venue: venue(), templates: tpl('router', 'template router;\nfn helper() -> u64 { return 1; }\n') }, 'CS4010'),
  ];
}

const STDLIB = { router: read('stdlib/router.curve'), slab: read('stdlib/slab.curve'), oracle: read('stdlib/oracle.curve') };

function stdlibVectors(): FillSpec[] {
  const perp = read('examples/perp.curve');
  return [
    compileVector('compiler-stdlib/examples/perp', 'examples/perp.curve against the standard library (one router, two slabs, two oracles); filled with whatever the current stdlib gives', { venue: perp, templates: STDLIB }, 'any'),
  ];
}

export const compilerFiller: Filler = { group: 'compiler', specs: () => [...compilerVectors(), ...corpusVectors()] };
/** Depends on stdlib/*.curve: re-fill (`node bin/curve.js conformance fill`) whenever the templates change. */
export const compilerStdlibFiller: Filler = { group: 'compiler-stdlib', specs: stdlibVectors };
