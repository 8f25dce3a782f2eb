/**
 * Ed25519 for intents, proposals, votes and certificates (spec/sequencer.md SEQ-SIG-*), over
 * @noble/curves. Keys are derived from a label (sha256 of the label is the 32-byte secret), so a
 * simulation's validators and clients are fixed by its seed and nothing reads randomness. Signing is
 * deterministic (RFC 8032). Verification is a pure function of (public key, message, signature), so a
 * verifier may memoise results: `SigVerifier` keeps a bounded cache, which matters when every node of a
 * simulation checks the same vote.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, utf8Bytes } from '../lib/hash.ts';
import { bytesToHex, hexToBytes } from '../lib/hex.ts';

export interface KeyPair {
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly publicHex: string;
}

/** SEQ-SIG-001: the key pair of a label: secret = sha256(utf8("curve-key:" ‖ label)). */
export function keyPairOf(label: string): KeyPair {
  const secret = sha256(utf8Bytes(`curve-key:${label}`));
  const publicKey = ed25519.getPublicKey(secret);
  return { secret, publicKey, publicHex: bytesToHex(publicKey) };
}

export function sign(key: KeyPair, message: Uint8Array): string {
  return bytesToHex(ed25519.sign(message, key.secret));
}

function verifyRaw(publicHex: string, message: Uint8Array, sigHex: string): boolean {
  if (!/^[0-9a-f]{128}$/.test(sigHex) || !/^[0-9a-f]{64}$/.test(publicHex)) return false;
  try {
    return ed25519.verify(hexToBytes(sigHex), message, hexToBytes(publicHex));
  } catch {
    return false;
  }
}

/** SEQ-SIG-002: a verifier with a bounded memo (insertion-order eviction; results never depend on it). */
export class SigVerifier {
  private readonly cache = new Map<string, boolean>();
  constructor(private readonly capacity = 50_000) {}

  verify(publicHex: string, message: Uint8Array, sigHex: string): boolean {
    const k = `${publicHex}:${sigHex}:${bytesToHex(sha256(message))}`;
    const hit = this.cache.get(k);
    if (hit !== undefined) return hit;
    const ok = verifyRaw(publicHex, message, sigHex);
    if (this.cache.size >= this.capacity) {
      const first = this.cache.keys().next();
      if (!first.done) this.cache.delete(first.value);
    }
    this.cache.set(k, ok);
    return ok;
  }
}
