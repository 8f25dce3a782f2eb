/**
 * Intents (spec/sequencer.md §1, SEQ-INT-*): what clients submit — deposit, withdraw, maker order and
 * order cancel, route reserve, commit and cancel, oracle update, slab status. Each carries the account,
 * its public key, the account nonce, the descriptor hash of the manifest it targets, and an ed25519
 * signature over the canonical bytes of everything else. `checkIntent` is the admission check every
 * node and every block validator runs, in the documented order; it returns a reason, never throws.
 */
import { id128 } from '../lib/hash.ts';
import { hexToBytes } from '../lib/hex.ts';
import { hashHex, tagged } from './canon.ts';
import { sign, type KeyPair, type SigVerifier } from './crypto.ts';

export interface ReserveLeg {
  readonly slab: bigint;
  readonly instrument: bigint;
  readonly side: 0 | 1;
  readonly qty: bigint;
  readonly limitPx: bigint;
  /** CS-ID-005 commitment, 64 hex digits. */
  readonly commitment: string;
}

export interface CommitLeg {
  /** Index of the leg in the reserved route. */
  readonly leg: number;
  readonly side: 0 | 1;
  readonly qty: bigint;
  readonly limitPx: bigint;
  /** 32-byte salt, 64 hex digits. */
  readonly salt: string;
}

export type IntentBody =
  | { readonly kind: 'deposit'; readonly amount: bigint }
  | { readonly kind: 'withdraw'; readonly amount: bigint }
  | { readonly kind: 'order'; readonly slab: bigint; readonly instrument: bigint; readonly side: 0 | 1; readonly px: bigint; readonly qty: bigint }
  | { readonly kind: 'cancel_order'; readonly slab: bigint; readonly orderId: bigint }
  | { readonly kind: 'reserve'; readonly legs: readonly ReserveLeg[]; readonly ttlMs: bigint }
  | { readonly kind: 'commit'; readonly routeId: bigint; readonly chosen: readonly CommitLeg[] }
  | { readonly kind: 'cancel'; readonly routeId: bigint }
  | { readonly kind: 'oracle'; readonly feed: bigint; readonly price: bigint }
  | { readonly kind: 'slab_status'; readonly slab: bigint; readonly down: boolean };

export type IntentKind = IntentBody['kind'];

export interface UnsignedIntent {
  readonly account: bigint;
  /** ed25519 public key, 64 hex digits. */
  readonly publicKey: string;
  readonly nonce: bigint;
  /** The descriptor hash of the manifest the intent targets, 64 hex digits. */
  readonly descriptor: string;
  readonly body: IntentBody;
}

export interface Intent extends UnsignedIntent {
  /** ed25519 signature over signingBytes, 128 hex digits. */
  readonly signature: string;
}

/** SEQ-INT-001: the account of a key: the low 128 bits of sha256(public key bytes). */
export function accountOf(publicHex: string): bigint {
  return id128(hexToBytes(publicHex));
}

/** SEQ-INT-002: the signed bytes: tag "curve-intent-v1" and the canonical JSON of the unsigned intent. */
export function signingBytes(i: UnsignedIntent): Uint8Array {
  return tagged('curve-intent-v1', { account: i.account, publicKey: i.publicKey, nonce: i.nonce, descriptor: i.descriptor, body: i.body });
}

/** SEQ-INT-003: the intent id (mempool de-duplication, receipts): sha256 of the signed bytes. */
export function intentId(i: UnsignedIntent): string {
  let id = intentIds.get(i);
  if (id === undefined) {
    id = hashHex(signingBytes(i));
    intentIds.set(i, id);
  }
  return id;
}

/** Memo of intent ids per intent object (intents are immutable). */
const intentIds = new WeakMap<UnsignedIntent, string>();

export function signIntent(key: KeyPair, descriptor: string, nonce: bigint, body: IntentBody): Intent {
  const u: UnsignedIntent = { account: accountOf(key.publicHex), publicKey: key.publicHex, nonce, descriptor, body };
  return { ...u, signature: sign(key, signingBytes(u)) };
}

/** What a sequencer admits: the descriptor it runs and the keys allowed to publish prices and slab status. */
export interface AdmissionPolicy {
  readonly descriptor: string;
  readonly oracleKeys: readonly string[];
  readonly operatorKeys: readonly string[];
}

export type Rejection = { readonly code: IntentRejectCode; readonly reason: string };

/** SEQ-INT-004: rejection codes, in check order. */
export const INTENT_REJECT = {
  WRONG_DESCRIPTOR: 'the intent targets another manifest',
  ACCOUNT_KEY_MISMATCH: 'the account is not the account of the public key',
  BAD_SIGNATURE: 'the signature does not verify',
  NOT_ORACLE: 'only an oracle key may publish prices',
  NOT_OPERATOR: 'only an operator key may change slab status',
  MALFORMED: 'a field is out of range',
} as const;
export type IntentRejectCode = keyof typeof INTENT_REJECT;

function reject(code: IntentRejectCode, detail = ''): Rejection {
  return { code, reason: `${code}: ${INTENT_REJECT[code]}${detail ? ` (${detail})` : ''}` };
}

const HEX64 = /^[0-9a-f]{64}$/;

function wellFormed(b: IntentBody): string | null {
  const pos = (x: bigint): boolean => x > 0n;
  switch (b.kind) {
    case 'deposit':
    case 'withdraw':
      return pos(b.amount) ? null : 'amount must be > 0';
    case 'order':
      return pos(b.qty) && pos(b.px) ? null : 'px and qty must be > 0';
    case 'cancel_order':
    case 'cancel':
    case 'slab_status':
      return null;
    case 'reserve':
      if (b.legs.length === 0) return 'no legs';
      return b.legs.every((l) => HEX64.test(l.commitment) && pos(l.qty)) ? null : 'leg commitment must be 64 hex digits and qty > 0';
    case 'commit':
      if (b.chosen.length === 0) return 'no legs chosen';
      return b.chosen.every((c) => HEX64.test(c.salt) && Number.isInteger(c.leg) && c.leg >= 0) ? null : 'salt must be 64 hex digits, leg an index';
    case 'oracle':
      return pos(b.price) ? null : 'price must be > 0';
  }
}

/**
 * SEQ-INT-004: admission, in this order: descriptor (an intent for another manifest is rejected, naming
 * both hashes), account ↔ key, signature, authority of oracle/slab-status intents, field ranges.
 * Nonce order is the mempool's and the ledger's business (SEQ-MEM-002, SEQ-EXE-002).
 */
export function checkIntent(i: Intent, policy: AdmissionPolicy, verifier: SigVerifier): Rejection | null {
  if (i.descriptor !== policy.descriptor) return reject('WRONG_DESCRIPTOR', `intent ${i.descriptor.slice(0, 16)}…, sequencer ${policy.descriptor.slice(0, 16)}…`);
  if (!HEX64.test(i.publicKey) || accountOf(i.publicKey) !== i.account) return reject('ACCOUNT_KEY_MISMATCH');
  if (!verifier.verify(i.publicKey, signingBytes(i), i.signature)) return reject('BAD_SIGNATURE');
  if (i.body.kind === 'oracle' && !policy.oracleKeys.includes(i.publicKey)) return reject('NOT_ORACLE');
  if (i.body.kind === 'slab_status' && !policy.operatorKeys.includes(i.publicKey)) return reject('NOT_OPERATOR');
  const bad = wellFormed(i.body);
  return bad ? reject('MALFORMED', bad) : null;
}
