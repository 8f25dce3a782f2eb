/**
 * ITF (Informal Trace Format) decoding for the Quint models (spec/sequencer.md SEQ-QUINT-001): `{"#bigint"}`
 * → bigint, `{"#map"}` → Map, `{"#set"}` / `{"#tup"}` → arrays, records → plain objects. Pure: the
 * test reads the files and hands the parsed JSON here.
 */

export type ItfValue = bigint | string | boolean | ItfValue[] | Map<unknown, ItfValue> | { [k: string]: ItfValue };

export interface ItfTrace {
  readonly vars: readonly string[];
  readonly states: readonly Record<string, ItfValue>[];
}

/** Decodes one ITF value; throws naming the path on a shape it does not know. */
export function decodeItf(v: unknown, path = '$'): ItfValue {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (Array.isArray(v)) return v.map((x, i) => decodeItf(x, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o['#bigint'] === 'string') return BigInt(o['#bigint']);
    if (Array.isArray(o['#set'])) return o['#set'].map((x, i) => decodeItf(x, `${path}.#set[${i}]`));
    if (Array.isArray(o['#tup'])) return o['#tup'].map((x, i) => decodeItf(x, `${path}.#tup[${i}]`));
    if (Array.isArray(o['#map'])) {
      const m = new Map<unknown, ItfValue>();
      for (const [i, kv] of (o['#map'] as unknown[]).entries()) {
        if (!Array.isArray(kv) || kv.length !== 2) throw new Error(`${path}.#map[${i}]: not a [key, value] pair`);
        const k = decodeItf(kv[0], `${path}.#map[${i}][0]`);
        // tuple keys are looked up by their canonical string
        m.set(Array.isArray(k) ? k.map(String).join(',') : k, decodeItf(kv[1], `${path}.#map[${i}][1]`));
      }
      return m;
    }
    const out: { [k: string]: ItfValue } = {};
    for (const [k, x] of Object.entries(o)) if (k !== '#meta') out[k] = decodeItf(x, `${path}.${k}`);
    return out;
  }
  throw new Error(`${path}: not an ITF value`);
}

/** Decodes a whole trace file's JSON. */
export function decodeTrace(json: unknown): ItfTrace {
  const o = json as { vars?: unknown; states?: unknown };
  if (!Array.isArray(o?.vars) || !Array.isArray(o?.states)) throw new Error('ITF: expected {vars, states}');
  return {
    vars: o.vars.map(String),
    states: o.states.map((s, i) => decodeItf(s, `states[${i}]`) as Record<string, ItfValue>),
  };
}
