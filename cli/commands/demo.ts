/**
 * `curve demo` (what `npm start` runs until the go/no-go gate exists): assembles the example programs and
 * runs a scripted session — a counter loop, a routed escrow debit through nested calls with sub-grants,
 * an expired cap that reverts the whole route, and a slab called without its capability — printing
 * status, gas, results, logs and state roots.
 */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { execute, type ExecResult } from '../../reference/vm/interpreter.ts';
import { ModuleStore } from '../../reference/vm/store.ts';
import { World } from '../../reference/vm/world.ts';
import { loadModuleFile } from '../load.ts';
import { printResult, stdout } from '../output.ts';
import { resultJson } from '../../reference/vm/result-json.ts';

const examples = (name: string): string => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

/** Ids used by the demo session (any u128 works; these read well in hex). */
const USER = 0xa11ce;
const USDC = 0x05dc;

interface Step {
  readonly title: string;
  readonly run: () => ExecResult;
  readonly expect: ExecResult['status'];
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('assemble and run the example programs (counter loop, escrow debit with a capability, nested call with a sub-grant)')
    .option('--json', 'print every result as JSON')
    .action((o: { json?: boolean }) => {
      const store = new ModuleStore();
      const counter = loadModuleFile(examples('counter.casm'), store);
      const router = loadModuleFile(examples('router.casm'), store);
      const slab = loadModuleFile(examples('slab.casm'), store);
      const world = new World();
      world.setWallet(BigInt(USER), BigInt(USDC), 1_000_000n);
      world.commit();
      const user = BigInt(USER);
      const usdc = BigInt(USDC);
      const steps: Step[] = [
        { title: 'counter.sum(100): a checked-arithmetic loop', run: () => execute(store, world, counter.hashHex, 'sum', [100n], { gasLimit: 1_000_000 }), expect: 'ok' },
        {
          title: 'router.route(alice, USDC, 250000, expiry 1000) at t=10: deposit, escrow credit, cap mint, slab.commit via CALL with a 20k-gas sub-grant',
          run: () => execute(store, world, router.hashHex, 'route', [user, usdc, 250_000n, 1000n], { gasLimit: 200_000, now: 10n, origin: user }),
          expect: 'ok',
        },
        {
          title: 'router.route(alice, USDC, 100000, expiry 5) at t=10: the cap is expired, the slab reverts (status 3), the whole route is undone',
          run: () => execute(store, world, router.hashHex, 'route', [user, usdc, 100_000n, 5n], { gasLimit: 200_000, now: 10n, origin: user }),
          expect: 'revert',
        },
        {
          title: 'slab.commit(cap 1, 1) granted no capabilities: a missing capability is a trap, never a no-op',
          run: () => execute(store, world, slab.hashHex, 'commit', [1n, 1n], { gasLimit: 100_000, caps: 0, now: 10n }),
          expect: 'halt',
        },
      ];
      let surprises = 0;
      const all: unknown[] = [];
      for (const s of steps) {
        const r = s.run();
        if (r.status !== s.expect) surprises++;
        if (o.json) all.push({ title: s.title, expect: s.expect, ...resultJson(r) });
        else {
          printResult(stdout, r, s.title);
          stdout.line();
        }
      }
      if (o.json) stdout.json({ steps: all, wallet: world.wallet(user, usdc), vault: world.vault(usdc), stateRoot: world.stateRootHex() });
      else {
        stdout.line(`final: alice's wallet ${world.wallet(user, usdc)}, USDC vault ${world.vault(usdc)}, state root 0x${world.stateRootHex()}`);
        stdout.line(surprises === 0 ? 'demo: every step ended as expected' : `demo: ${surprises} step(s) ended unexpectedly`);
      }
      process.exitCode = surprises === 0 ? 0 : 1;
    });
}
