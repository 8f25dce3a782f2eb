/** Printing helpers for the CLI: plain text tables and JSON with bigints as 0x hex. */
import { bigToJson } from '../reference/lib/hex.ts';
import type { ExecResult } from '../reference/vm/interpreter.ts';

export interface Out {
  line(s?: string): void;
  json(v: unknown): void;
}

export const stdout: Out = {
  line: (s = '') => process.stdout.write(s + '\n'),
  json: (v) => process.stdout.write(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? bigToJson(x) : x), 2) + '\n'),
};

/** Human-readable execution result. */
export function printResult(out: Out, r: ExecResult, title = ''): void {
  if (title) out.line(title);
  const status = r.status === 'halt' ? `halt (${r.halt}${r.haltDetail ? `: ${r.haltDetail}` : ''})` : r.status === 'revert' ? `revert (code ${r.revertCode})` : 'ok';
  out.line(`  status   ${status}`);
  out.line(`  gas      ${r.gasUsed}`);
  if (r.status === 'ok') out.line(`  results  [${r.results.join(', ')}]`);
  if (r.logs.length) {
    out.line(`  logs     ${r.logs.length}`);
    r.logs.forEach((l, i) => out.line(`    #${i} ${l.module.slice(0, 12)}… topics=[${l.topics.map(bigToJson).join(', ')}] data=0x${Buffer.from(l.data).toString('hex')}`));
  }
  if (r.stateDiff.length) {
    out.line(`  diff     ${r.stateDiff.length} item(s)`);
    for (const d of r.stateDiff) out.line(`    ${d.key}: ${d.before || '∅'} → ${d.after || '∅'}`);
  }
  if (r.stateRoot) out.line(`  root     0x${r.stateRoot}`);
}

/** Parse `1,2,-3,0xff` into words (UsageError-free: returns the bad item instead). */
export function parseWordList(list: string): bigint[] | { bad: string } {
  if (list.trim() === '') return [];
  const out: bigint[] = [];
  for (const raw of list.split(',')) {
    const s = raw.trim().replaceAll('_', '');
    if (!/^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(s)) return { bad: raw };
    out.push(s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s));
  }
  return out;
}
