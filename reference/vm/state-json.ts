/**
 * Pre-state as JSON (spec/curvevm.md §11, VM-STATE-JSON): the shape World.toJSON() prints, read back.
 * Used by `curve run --state` and by conformance vectors. Every problem is a UsageError naming the JSON
 * path (`$.escrows["1/2/3"].balance`), and nothing is applied unless the whole document is valid.
 */
import { UsageError } from '../lib/errors.ts';
import { U128_MAX } from '../lib/u128.ts';
import { SEGMENT_LIMIT_BYTES } from './module.ts';
import { World } from './world.ts';

type Json = unknown;

export function worldFromJson(doc: Json, where = 'state'): World {
  const fail = (path: string, msg: string): never => {
    throw new UsageError(`${path}: ${msg}`, where);
  };
  const obj = (v: Json, path: string): Record<string, Json> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
    return v as Record<string, Json>;
  };
  const word = (v: Json, path: string): bigint => {
    if (typeof v !== 'string' || !/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return fail(path, 'expected a 0x-hex or decimal string');
    const x = BigInt(v);
    if (x > U128_MAX) fail(path, 'exceeds u128');
    return x;
  };
  const ids = (key: string, n: number, path: string): bigint[] => {
    const parts = key.split('/');
    if (parts.length !== n || parts.some((p) => !/^[0-9a-f]+$/.test(p))) fail(path, `key must be ${n} lower-case hex id(s) joined by /`);
    return parts.map((p) => BigInt('0x' + p));
  };
  const known = (o: Record<string, Json>, path: string, keys: readonly string[]): void => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${path}.${k}`, `unknown field (known: ${keys.join(', ')})`);
  };

  const root = obj(doc, '$');
  known(root, '$', ['wallets', 'vaults', 'escrows', 'caps', 'oracles', 'nextCap', 'segments', 'stateRoot']);
  const w = new World();
  const at = (section: string, k: string): string => `$.${section}[${JSON.stringify(k)}]`;
  for (const [k, v] of Object.entries(obj(root.wallets ?? {}, '$.wallets'))) {
    const [user, asset] = ids(k, 2, at('wallets', k)) as [bigint, bigint];
    w.setWallet(user, asset, word(v, at('wallets', k)));
  }
  for (const [k, v] of Object.entries(obj(root.vaults ?? {}, '$.vaults'))) {
    const [asset] = ids(k, 1, at('vaults', k)) as [bigint];
    w.setVault(asset, word(v, at('vaults', k)));
  }
  for (const [k, v] of Object.entries(obj(root.escrows ?? {}, '$.escrows'))) {
    const p = at('escrows', k);
    const [user, slab, asset] = ids(k, 3, p) as [bigint, bigint, bigint];
    const e = obj(v, p);
    known(e, p, ['balance', 'nonce']);
    w.setEscrow(user, slab, asset, { balance: word(e.balance ?? '0', `${p}.balance`), nonce: word(e.nonce ?? '0', `${p}.nonce`) });
  }
  for (const [k, v] of Object.entries(obj(root.caps ?? {}, '$.caps'))) {
    const p = at('caps', k);
    const [id] = ids(k, 1, p) as [bigint];
    const c = obj(v, p);
    known(c, p, ['user', 'slab', 'asset', 'amountMax', 'remaining', 'expiry', 'nonce', 'burned']);
    const f = (name: string): bigint => word(c[name] ?? '0', `${p}.${name}`);
    if (c.burned !== undefined && typeof c.burned !== 'boolean') fail(`${p}.burned`, 'expected true or false');
    w.setCap(id, {
      user: f('user'),
      slab: f('slab'),
      asset: f('asset'),
      amountMax: f('amountMax'),
      remaining: f('remaining'),
      expiry: f('expiry'),
      nonce: f('nonce'),
      burned: c.burned === true,
    });
  }
  for (const [k, v] of Object.entries(obj(root.oracles ?? {}, '$.oracles'))) {
    const p = at('oracles', k);
    const [feed] = ids(k, 1, p) as [bigint];
    const q = obj(v, p);
    known(q, p, ['price', 'publishTime']);
    w.setOracle(feed, { price: word(q.price ?? '0', `${p}.price`), publishTime: word(q.publishTime ?? '0', `${p}.publishTime`) });
  }
  if (root.nextCap !== undefined) w.setNextCap(word(root.nextCap, '$.nextCap'));
  for (const [k, v] of Object.entries(obj(root.segments ?? {}, '$.segments'))) {
    const p = at('segments', k);
    if (!/^[0-9a-f]{64}$/.test(k)) fail(p, 'key must be a module hash (64 lower-case hex digits)');
    const s = obj(v, p);
    known(s, p, ['size', 'words']);
    if (typeof s.size !== 'number' || !Number.isInteger(s.size) || s.size < 0 || s.size > SEGMENT_LIMIT_BYTES) fail(`${p}.size`, 'expected an integer 0..10485760');
    const seg = w.segment(k, s.size as number);
    for (const [off, val] of Object.entries(obj(s.words ?? {}, `${p}.words`))) {
      const wp = `${p}.words[${JSON.stringify(off)}]`;
      if (!/^[0-9]+$/.test(off) || Number(off) + 16 > seg.bytes.length) fail(wp, 'offset must be a decimal byte offset with 16 bytes inside the segment');
      const bytes = new Uint8Array(16);
      let x = word(val, wp);
      for (let i = 0; i < 16; i++, x >>= 8n) bytes[i] = Number(x & 0xffn);
      w.segmentWrite(k, seg, Number(off), bytes);
    }
  }
  w.commit();
  return w;
}
