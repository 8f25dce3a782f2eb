/**
 * A tiny EVM assembler for the benchmark's hand-written bytecode: whitespace-separated mnemonics,
 * `PUSHn value` (decimal or 0x hex), `PUSH2 @label`, `label:` marking the next byte, `;` comments.
 * Opcode values from the Ethereum yellow paper, appendix H.
 */
const EVM_OPS: Readonly<Record<string, number>> = {
  STOP: 0x00, ADD: 0x01, MUL: 0x02, SUB: 0x03, LT: 0x10, GT: 0x11, EQ: 0x14, ISZERO: 0x15, AND: 0x16, OR: 0x17,
  XOR: 0x18, SHL: 0x1b, SHR: 0x1c, SHA3: 0x20, POP: 0x50, MLOAD: 0x51, MSTORE: 0x52, JUMP: 0x56, JUMPI: 0x57,
  GAS: 0x5a, JUMPDEST: 0x5b, PUSH1: 0x60, PUSH2: 0x61, PUSH3: 0x62, PUSH4: 0x63, DUP1: 0x80, DUP2: 0x81, DUP3: 0x82,
  SWAP1: 0x90, SWAP2: 0x91, RETURN: 0xf3, STATICCALL: 0xfa,
};

export function evmAsm(source: string): Uint8Array {
  const toks = source
    .split('\n')
    .map((l) => l.replace(/;.*$/, ''))
    .join(' ')
    .split(/\s+/)
    .filter((t) => t !== '');
  const labels = new Map<string, number>();
  const out: number[] = [];
  const fixups: { at: number; label: string }[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as string;
    if (t.endsWith(':')) {
      labels.set(t.slice(0, -1), out.length);
      continue;
    }
    const code = EVM_OPS[t];
    if (code === undefined) throw new Error(`evmAsm: unknown mnemonic ${t}`);
    out.push(code);
    if (code < 0x60 || code > 0x7f) continue;
    const width = code - 0x5f;
    const arg = toks[++i] ?? '';
    let v = 0n;
    if (arg.startsWith('@')) fixups.push({ at: out.length, label: arg.slice(1) });
    else v = BigInt(arg);
    if (v >= 1n << BigInt(8 * width)) throw new Error(`evmAsm: ${arg} does not fit ${t}`);
    for (let k = width - 1; k >= 0; k--) out.push(Number((v >> BigInt(8 * k)) & 0xffn));
  }
  for (const f of fixups) {
    const target = labels.get(f.label);
    if (target === undefined) throw new Error(`evmAsm: undefined label ${f.label}`);
    out[f.at] = target >> 8;
    out[f.at + 1] = target & 0xff;
  }
  return Uint8Array.from(out);
}
