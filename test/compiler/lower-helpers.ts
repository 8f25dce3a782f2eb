/** Compile a one-off template as the router of a minimal venue, and run its entries on the reference VM. */
import { compileVenue, type CompileResult } from '../../reference/compiler/compile.ts';
import type { CompiledModule } from '../../reference/compiler/artifact.ts';
import { execute, type ExecResult } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';

export const MINI_VENUE = `ROUTER "main" {
  COLLATERAL asset=USDC vault_cap=1_000_000 decimals=6
  CAP_TTL ms=60_000
  RESERVATION_BATCH ms=50
  FEE_CAPS maker_bps_max=10 taker_bps_max=25
  INSURANCE asset=USDC fund_cap=1_000 require_proof=true
}
`;

export function compileText(template: string, venue = MINI_VENUE): CompileResult {
  const t = { file: 't.curve', text: template };
  return compileVenue({ file: 'v.curve', text: venue }, { router: t, slab: t, oracle: t });
}

export function compileRouter(body: string): CompiledModule {
  const r = compileText(`template router;\n${body}`);
  if (r.modules === undefined) throw new Error(r.diagnostics.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join('\n'));
  return r.modules[0] as CompiledModule;
}

export interface Runner {
  readonly module: CompiledModule;
  readonly world: World;
  call(entry: string, args?: readonly bigint[], gasLimit?: number): ExecResult;
}

export function runner(m: CompiledModule, world = new World()): Runner {
  const store = new ModuleStore();
  const lm = store.add(m.bytes);
  return {
    module: m,
    world,
    call(entry, args = [], gasLimit = 10_000_000) {
      const r = execute(store, world, lm.hashHex, entry, args, { gasLimit, stateRoot: false, now: 1_000n });
      if (r.status === 'ok') world.commit();
      return r;
    },
  };
}
