/** Run the `curve` CLI in process, capturing stdout, stderr and the exit code (tests must be serial). */
import { main } from '../../cli/main.ts';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function curve(...argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => (err.push(String(s)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(argv);
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
    process.exitCode = 0;
  }
  return { code, out: out.join(''), err: err.join('') };
}
