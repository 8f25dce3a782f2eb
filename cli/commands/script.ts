/**
 * `curve check` and `curve fmt`: the CurveScript front end from the command line. Diagnostics print as
 * `file:line:col: error CS2003: …` with the source line and a caret; a file with errors exits 1 (the
 * program's own verdict), a bad argument or unreadable file exits 2.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkSource, formatSource, hasErrors, renderDiagnostics, type Diagnostic } from '../../reference/script/index.ts';
import { readFileOrFail } from '../load.ts';
import { stdout } from '../output.ts';

function diagnosticJson(d: Diagnostic) {
  return { code: d.code, severity: d.severity, message: d.message, file: d.span.file, line: d.span.line, col: d.span.col, endLine: d.span.endLine, endCol: d.span.endCol };
}

export function registerScriptCommands(program: Command): void {
  program
    .command('check')
    .description('check CurveScript sources (venue scripts and templates): diagnostics only')
    .argument('<files...>', '.curve files')
    .option('--json', 'print diagnostics as JSON')
    .action((files: string[], o: { json?: boolean }) => {
      let failed = false;
      const all: unknown[] = [];
      for (const file of files) {
        const text = readFileOrFail(file).toString('utf8');
        const r = checkSource(text, file);
        if (hasErrors(r.diagnostics)) failed = true;
        if (o.json) all.push({ file, ok: !hasErrors(r.diagnostics), kind: r.venue ? 'venue' : r.template ? 'template' : null, diagnostics: r.diagnostics.map(diagnosticJson) });
        else if (r.diagnostics.length) process.stderr.write(renderDiagnostics(r.diagnostics, text) + '\n');
      }
      if (o.json) stdout.json({ files: all, ok: !failed });
      else if (!failed) stdout.line(`${files.length} file(s) checked: no errors`);
      process.exitCode = failed ? 1 : 0;
    });

  program
    .command('fmt')
    .description('print CurveScript in canonical form (comments kept)')
    .argument('<files...>', '.curve files')
    .option('-w, --write', 'rewrite the files in place')
    .option('--check', 'exit 1 when a file is not in canonical form')
    .action((files: string[], o: { write?: boolean; check?: boolean }) => {
      let failed = false;
      for (const file of files) {
        const text = readFileOrFail(file).toString('utf8');
        const r = formatSource(text, file);
        if (r.text === undefined) {
          process.stderr.write(renderDiagnostics(r.diagnostics, text) + '\n');
          failed = true;
          continue;
        }
        if (o.check) {
          if (r.text !== text) {
            stdout.line(`${file}: not formatted`);
            failed = true;
          }
        } else if (o.write) {
          if (r.text !== text) writeFileSync(file, r.text);
        } else process.stdout.write(r.text);
      }
      process.exitCode = failed ? 1 : 0;
    });
}
