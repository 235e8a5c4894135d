import type { Command } from 'commander';
import { ExitCode } from '../domain/errors.js';
import type { LintFinding } from '../domain/lint/lint.js';
import { execute } from './run.js';

/** `file:line  severity  rule  message`, the fix indented under it. */
export function renderFindings(findings: LintFinding[], files: number): string {
  const lines = findings.flatMap((finding) => [
    `${finding.file}:${finding.line}  ${finding.severity}  ${finding.rule}  ${finding.message}`,
    `  fix: ${finding.fix}`,
  ]);
  return [...lines, ...(lines.length ? [''] : []), lintSummary(findings, files)].join('\n');
}

/** '2 errors, 1 warning in 2 of 14 files', 'no findings in 14 files'. */
export function lintSummary(findings: LintFinding[], files: number): string {
  const fileCount = `${files} file${files === 1 ? '' : 's'}`;
  if (findings.length === 0) return `no findings in ${fileCount}`;
  const count = (severity: LintFinding['severity']) => findings.filter((finding) => finding.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const withFindings = new Set(findings.map((finding) => finding.file)).size;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')} in ${withFindings} of ${fileCount}`;
}

export function registerLint(program: Command) {
  program
    .command('lint [files...]')
    .description('static safety analysis of migrations: every migration of the project (up and down files), or the given .sql files and folders')
    .option('--json', 'print {"findings":[{"file","rule","severity","line","message","fix"}]} on stdout')
    .action((files: string[], _options, command: Command) =>
      execute(command, async (context, output) => {
        const { hasLintErrors, lintPaths, lintProject } = await import('../engine/lint.js');
        const report = files.length ? await lintPaths(context, files) : await lintProject(context);
        if (output.json) output.printJson({ findings: report.findings });
        else output.print(renderFindings(report.findings, report.files));
        const errors = report.findings.filter((finding) => finding.severity === 'error').length;
        if (errors > 0) output.say('lint.errors', { count: errors }, `${errors}/${report.files}`);
        else output.say('lint.clean', { count: report.files }, `${report.findings.length}/${report.files}`);
        return hasLintErrors(report.findings) ? ExitCode.failed : ExitCode.ok;
      }),
    );
}
