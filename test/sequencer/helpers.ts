/** Fixtures for the sequencer tests: keys, the soak venue as genesis, a model executor and a ledger, intent builders. */
import { bytesToHex } from '../../reference/lib/hex.ts';
import { commitment, routeId } from '../../reference/script/ids.ts';
import { keyPairOf, SigVerifier, type KeyPair } from '../../reference/sequencer/crypto.ts';
import { accountOf, signIntent, type AdmissionPolicy, type Intent, type IntentBody, type ReserveLeg } from '../../reference/sequencer/intent.ts';
import { Ledger } from '../../reference/sequencer/ledger.ts';
import { ModelExecutor, type ModelExecutorConfig } from '../../reference/sequencer/model-executor.ts';
import { SOL_PX, SOL_TICK, soakGenesis, venueDescriptor } from '../../soak/venue.ts';

export const maker = keyPairOf('test-maker');
export const alice = keyPairOf('test-alice');
export const bob = keyPairOf('test-bob');
export const oracle = keyPairOf('test-oracle');
export const operator = keyPairOf('test-operator');
export const accounts = { makers: [accountOf(maker.publicHex)], traders: [accountOf(alice.publicHex), accountOf(bob.publicHex)] };
export const DESCRIPTOR = venueDescriptor(accounts);
export const genesis = soakGenesis(accounts);
export const policy: AdmissionPolicy = { descriptor: DESCRIPTOR, oracleKeys: [oracle.publicHex], operatorKeys: [operator.publicHex] };
export const verifier = new SigVerifier();
export const SALT = '07'.repeat(32);

export function execConfig(over: Partial<ModelExecutorConfig> = {}): ModelExecutorConfig {
  return { genesis, exposureCeiling: 40n, staleWindows: 4n, ...over };
}

export function newLedger(over: Partial<ModelExecutorConfig> = {}): Ledger {
  return new Ledger(new ModelExecutor(execConfig(over)));
}

/** Signs intents for one key with consecutive nonces. */
export class Signer {
  nonce = 0n;
  routes = 0n;
  constructor(readonly key: KeyPair) {}
  get account(): bigint {
    return accountOf(this.key.publicHex);
  }
  sign(body: IntentBody, descriptor = DESCRIPTOR): Intent {
    return signIntent(this.key, descriptor, this.nonce++, body);
  }
  /** A reserve whose commitments are for the account's next route (the caller counts successful reserves). */
  reserve(legs: Omit<ReserveLeg, 'commitment'>[], ttlMs: bigint): { intent: Intent; routeId: bigint } {
    const rid = routeId(this.account, this.routes);
    const salt = Uint8Array.from(Buffer.from(SALT, 'hex'));
    const full = legs.map((l) => ({ ...l, commitment: bytesToHex(commitment(rid, l.instrument, BigInt(l.side), l.qty, l.limitPx, salt)) }));
    return { intent: this.sign({ kind: 'reserve', legs: full, ttlMs }), routeId: rid };
  }
  commit(routeId: bigint, legs: Omit<ReserveLeg, 'commitment'>[], salt = SALT): Intent {
    return this.sign({ kind: 'commit', routeId, chosen: legs.map((l, leg) => ({ leg, side: l.side, qty: l.qty, limitPx: l.limitPx, salt })) });
  }
}

/** A SOL ask book on `slab` posted by the maker: asks PX+1..+3 ticks, 10 each. */
export function askBook(m: Signer, slab: bigint): Intent[] {
  return [1n, 2n, 3n].map((i) => m.sign({ kind: 'order', slab, instrument: 0n, side: 1, px: SOL_PX + i * SOL_TICK, qty: 10n }));
}

export const T = 2_000n;
