import { Box } from 'ink';
import { durationMs, failedAt, failureAftermath } from '../../domain/deployment.js';
import { formatDuration } from '../../domain/duration.js';
import { describeEvent } from '../../engine/event-text.js';
import { formatRisk } from '../../domain/risk.js';
import type { SafetyReport } from '../../engine/safety.js';
import { needsStressConfirmation, type OperationModal, type RunningOperation } from '../../store/dashboard-store.js';
import { useDashboard, useTheme } from '../dashboard-context.js';
import type { Theme } from '../theme.js';
import { Line } from '../widgets/line.js';
import type { Row } from '../widgets/scrolling-screen.js';
import type { PaneSize } from '../panes/environments-pane.js';

function reviewRows(modal: OperationModal, theme: Theme): Row[] {
  const rows: Row[] = [];
  if (modal.action === 'deploy') {
    const pending = modal.pending ?? [];
    if (pending.length) rows.push({ text: `${pending.length} pending migration(s) will run, in this order, in one transaction (no-transaction files after it):`, bold: true });
    for (const migration of pending) rows.push({ text: `  ${migration.file}  ${migration.statements} statement(s)${migration.noTransaction ? '  (no transaction)' : ''}` });
    for (const drift of modal.drift ?? []) rows.push({ text: `  drift ${drift.version}: ${drift.reason}`, color: theme.warning });
    if (modal.safety) rows.push(...safetyRows(modal.safety, theme));
  } else if (modal.preview) {
    const preview = modal.preview;
    rows.push({ text: `undo deployment(s) ${preview.deploymentIds.map((id) => `#${id}`).join(', ')} of ${modal.environment}: ${preview.migrations.length} migration(s), newest first, in one transaction:`, bold: true });
    for (const migration of preview.migrations) {
      rows.push({
        text: `  #${migration.deploymentId}  ${migration.downFile ?? `${migration.version}_${migration.name}: NO DOWN FILE`}`,
        color: migration.downFile ? undefined : theme.danger,
      });
    }
  }
  return rows;
}

/** Lint, live checks, the prime directive, risk and warnings: the same verdicts as `data plan`. */
function safetyRows(safety: SafetyReport, theme: Theme): Row[] {
  const rows: Row[] = [{ text: '' }];
  const errors = safety.lint.filter((finding) => finding.severity === 'error').length;
  rows.push({ text: `lint: ${safety.lint.length === 0 ? 'clean' : `${errors} error(s), ${safety.lint.length - errors} warning(s)`}`, bold: true, color: errors ? theme.danger : safety.lint.length ? theme.warning : theme.success });
  for (const finding of safety.lint) rows.push({ text: `  ${finding.file}:${finding.line} ${finding.rule}: ${finding.message}`, color: finding.severity === 'error' ? theme.danger : theme.warning });
  rows.push({ text: `live checks: ${safety.live.length === 0 ? 'nothing found in the target' : `${safety.live.length} finding(s)`}`, bold: true, color: safety.live.length ? theme.danger : theme.success });
  for (const finding of safety.live) rows.push({ text: `  ${finding.rule}: ${finding.message}`, color: finding.severity === 'error' ? theme.danger : theme.warning });
  if (safety.directive.file) {
    rows.push({ text: 'prime directive:', bold: true });
    for (const verdict of safety.directive.verdicts) {
      rows.push({ text: `  ${verdict.status} ${verdict.rule}: ${verdict.reason}`, color: verdict.status === 'refused' ? theme.danger : verdict.status === 'overridden' ? theme.warning : theme.muted });
    }
  }
  rows.push({ text: `risk: ${formatRisk(safety.risk)}`, bold: true, color: safety.risk.level === 'low' ? theme.success : safety.risk.level === 'medium' ? theme.warning : theme.danger });
  for (const warning of safety.stress) rows.push({ text: `⚠ ${warning.message}`, color: theme.warning, bold: true });
  return rows;
}

function progressRows(operation: RunningOperation | null, limit: number): Row[] {
  if (!operation) return [];
  return operation.events.slice(-limit).map((event) => ({ text: `  ${describeEvent(event)}` }));
}

function resultRows(modal: OperationModal, theme: Theme): Row[] {
  if (modal.error) {
    return [
      { text: `✗ ${modal.error.message}`, color: theme.danger, bold: true },
      ...(modal.error.where ? [{ text: `  where: ${modal.error.where}` }] : []),
      ...(modal.error.fix ? [{ text: `  fix: ${modal.error.fix}` }] : []),
    ];
  }
  const result = modal.result;
  if (!result) return [{ text: `nothing to ${modal.action}: ${modal.environment} is up to date` }];
  const took = durationMs(result);
  if (result.status === 'failed') {
    const error = result.error;
    return [
      { text: `✗ ${result.kind} #${result.id} of ${modal.environment} failed${took === null ? '' : ` after ${formatDuration(took)}`}`, color: theme.danger, bold: true },
      { text: `  ${error?.migration ? `${error.migration}${failedAt(error)}: ` : ''}${error?.message ?? 'unknown error'}`, color: theme.danger },
      { text: `  ${failureAftermath(result)}`, color: error?.committed?.length ? theme.warning : theme.muted },
    ];
  }
  return [
    { text: `✓ ${result.kind} #${result.id} of ${modal.environment} ${result.status}${took === null ? '' : ` in ${formatDuration(took)}`}: ${result.migrations.length} migration(s)`, color: theme.success, bold: true },
    ...(result.gitTag ? [{ text: `  tagged ${result.gitTag}`, color: theme.muted }] : []),
  ];
}

/** Deploy and rollback: what will happen, the confirmation, live progress, the result. */
export function OperationScreen({ width, height }: PaneSize) {
  const theme = useTheme();
  const modal = useDashboard((state) => (state.modal?.kind === 'operation' ? state.modal : null));
  const operation = useDashboard((state) => state.operation);
  if (!modal) return null;
  const inner = width - 4;
  const verb = modal.action === 'deploy' ? 'deploy' : 'roll back';
  const title: Row = { text: `${modal.action === 'deploy' ? 'Deploy' : 'Roll back'} ${modal.environment}${modal.protected ? '  [protected]' : ''}`, bold: true, color: modal.action === 'rollback' ? theme.warning : theme.primary };
  const body: Row[] = [];
  const footer: Row[] = [];
  if (modal.phase === 'loading') body.push({ text: modal.action === 'deploy' ? 'reading the plan…' : 'working out what would be undone…', color: theme.muted });
  if (modal.phase !== 'loading') body.push(...reviewRows(modal, theme));
  if (modal.phase === 'review') {
    if (modal.blocked) {
      body.push({ text: '' }, { text: `cannot ${verb}: ${modal.blocked.message}`, color: theme.danger, bold: true });
      if (modal.blocked.where) body.push({ text: `  where: ${modal.blocked.where}` });
      if (modal.blocked.fix) body.push({ text: `  fix: ${modal.blocked.fix}` });
      footer.push({ text: '[Esc] close', color: theme.muted });
    } else if (needsStressConfirmation(modal)) {
      footer.push({ text: `⚠ ${modal.safety!.stress.map((warning) => warning.message).join(' ')} Press y to go on anyway.`, bold: true, color: theme.warning });
      footer.push({ text: '[Esc] cancel   [y] I have read the warning', color: theme.muted });
    } else if (modal.protected) {
      const ready = modal.typed === modal.environment;
      footer.push({ text: `${modal.environment} is protected. Type its name to ${verb}: ${modal.typed}▌`, bold: true, color: ready ? theme.success : theme.warning });
      footer.push({ text: `[Esc] cancel   [Enter] ${verb}${ready ? '' : ' (type the name first)'}`, color: theme.muted });
    } else {
      footer.push({ text: `[Esc] cancel   [Enter] ${verb} ${modal.environment}`, color: theme.muted });
    }
  }
  if (modal.phase === 'running' || modal.phase === 'done') {
    body.push({ text: '' }, { text: modal.phase === 'running' ? 'running:' : 'progress:', bold: true });
    body.push(...progressRows(operation, Math.max(3, height - body.length - 8)));
  }
  if (modal.phase === 'running') footer.push({ text: 'running… (q asks before quitting; quitting rolls it back)', color: theme.muted });
  if (modal.phase === 'done') {
    body.push({ text: '' }, ...resultRows(modal, theme));
    footer.push({ text: '[Esc] close', color: theme.muted });
  }
  const room = Math.max(0, height - 3 - footer.length);
  // Keep the end of the body (progress and result) in view when it is long.
  const shown = body.length > room ? body.slice(body.length - room) : body;
  return (
    <Box flexDirection="column" borderStyle="double" borderColor={title.color} width={width} height={height} paddingX={1} overflow="hidden">
      <Line text={title.text} width={inner} bold color={title.color} />
      {shown.map((row, index) => <Line key={index} text={row.text} width={inner} color={row.color} bold={row.bold} />)}
      <Box flexGrow={1} />
      {footer.map((row, index) => <Line key={`f${index}`} text={row.text} width={inner} color={row.color} bold={row.bold} />)}
    </Box>
  );
}
