/**
 * The `curve` command. Argument parsing is commander's; every failure becomes one line on stderr and an
 * exit code: 0 success, 1 a program that ran and halted or reverted (or a NO-GO), 2 bad input (bad
 * arguments, malformed files), 3 an internal error (a bug — reported in one line, never a stack trace
 * unless CURVE_DEBUG=1).
 */
import { Command, CommanderError } from 'commander';
import { CurveError } from '../reference/lib/errors.ts';
import { registerCompileCommands } from './commands/compile.ts';
import { registerConformanceCommands } from './commands/conformance.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerProveCommand } from './commands/prove.ts';
import { registerGateCommand } from './commands/gate.ts';
import { registerScriptCommands } from './commands/script.ts';
import { registerSoakCommand } from './commands/soak.ts';
import { registerVmCommands } from './commands/vm.ts';

export const EXIT = { ok: 0, halted: 1, badInput: 2, internal: 3 } as const;

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('curve')
    .description('curve-harness: CurveScript, CurveVM, the Router/Slab perp programs and their assurance harness')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  registerVmCommands(program);
  registerScriptCommands(program);
  registerCompileCommands(program);
  registerDemoCommand(program);
  registerConformanceCommands(program);
  registerProveCommand(program);
  registerSoakCommand(program);
  registerGateCommand(program);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => {} });
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = 0;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0 after printing.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      process.stderr.write(`curve: ${e.message.replace(/^error: /, '')}\n`);
      return EXIT.badInput;
    }
    if (e instanceof CurveError) {
      process.stderr.write(`curve: ${e.oneLine()}\n`);
      return EXIT.badInput;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`curve: internal error (please report): ${msg.split('\n')[0]}\n`);
    if (process.env.CURVE_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return EXIT.internal;
  }
}
