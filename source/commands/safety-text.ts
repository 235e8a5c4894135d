import { formatRisk } from '../domain/risk.js';
import type { SafetyReport } from '../engine/safety.js';

/** The safety part of `data plan`: lint, live checks, the prime directive, risk, warnings, and what blocks. */
export function renderSafety(safety: SafetyReport, extra: Array<{ rule: string; message: string; fix: string }> = []): string {
  const lines: string[] = [];
  const lintErrors = safety.lint.filter((finding) => finding.severity === 'error').length;
  lines.push(`lint: ${safety.lint.length === 0 ? 'clean' : `${lintErrors} error(s), ${safety.lint.length - lintErrors} warning(s)`}`);
  for (const finding of safety.lint) lines.push(`  ${finding.file}:${finding.line}  ${finding.severity}  ${finding.rule}  ${finding.message}`);
  lines.push(`live checks: ${safety.live.length === 0 ? 'nothing found in the target' : `${safety.live.length} finding(s)`}`);
  for (const finding of safety.live) lines.push(`  ${finding.severity}  ${finding.rule}  ${finding.message}`);
  if (safety.directive.file) {
    lines.push(`prime directive (${safety.directive.file}, times in ${safety.timeZone}):`);
    for (const verdict of safety.directive.verdicts) lines.push(`  ${verdict.status.padEnd(10)} ${verdict.rule}: ${verdict.reason}`);
  } else {
    lines.push('prime directive: none (.data-prime-directive.yml not found)');
  }
  lines.push(`risk: ${formatRisk(safety.risk)}${safety.risk.model === 'logistic-regression' ? ` (fitted on ${safety.risk.sampleSize} deployments of this environment)` : ''}`);
  for (const warning of safety.stress) lines.push(`warning: ${warning.message}${warning.extraConfirmation ? ' (deploy will ask once more)' : ''}`);
  const blockers = [...extra, ...safety.blockers];
  if (blockers.length === 0) lines.push('verdict: deploy may run');
  else {
    lines.push(`verdict: deploy would be REFUSED (${blockers.length}):`);
    for (const blocker of blockers) lines.push(`  ${blocker.rule}: ${blocker.message}\n    fix: ${blocker.fix}`);
  }
  return lines.join('\n');
}

