import { durationMs, failedAt } from '../../domain/deployment.js';
import { formatDuration } from '../../domain/duration.js';
import type { DeploymentDetails } from '../../engine/deployment-details.js';
import { useDashboard, useTheme } from '../dashboard-context.js';
import type { Theme } from '../theme.js';
import { errorRows, ScrollingScreen, type Row } from '../widgets/scrolling-screen.js';
import type { PaneSize } from '../panes/environments-pane.js';

function detailRows(details: DeploymentDetails, theme: Theme): Row[] {
  const d = details.deployment;
  const took = durationMs(d);
  const rows: Row[] = [
    { text: `#${d.id} ${d.kind} of ${d.environment}: ${d.interrupted ? 'interrupted' : d.status}${took === null ? '' : ` in ${formatDuration(took)}`}`, bold: true },
    { text: `operator ${d.operator} · started ${d.startedAt.toISOString()} · commit ${d.gitSha?.slice(0, 12) ?? '-'} · tag ${d.gitTag ?? '-'}` , color: theme.muted },
  ];
  if (d.reverts.length) rows.push({ text: `undid deployment(s) ${d.reverts.map((id) => `#${id}`).join(', ')}`, color: theme.accent });
  if (d.error) {
    rows.push({ text: `error${d.error.migration ? ` in ${d.error.migration}${failedAt(d.error)}` : ''}: ${d.error.message}`, color: theme.danger, bold: true });
    if (d.error.code) rows.push({ text: `  SQLSTATE ${d.error.code}`, color: theme.danger });
    if (d.error.detail) rows.push({ text: `  detail: ${d.error.detail}`, color: theme.danger });
    if (d.error.hint) rows.push({ text: `  hint: ${d.error.hint}`, color: theme.danger });
    if (d.error.sql) for (const line of d.error.sql.split('\n')) rows.push({ text: `  > ${line}`, color: theme.danger });
  }
  rows.push({ text: '' });
  rows.push({ text: `${details.migrations.length} migration(s)${d.kind === 'rollback' ? ', by their down files' : ''}:`, bold: true });
  for (const migration of details.migrations) {
    const failed = d.error?.migration === `${migration.version}_${migration.name}` || d.error?.migration === migration.version;
    rows.push({ text: `${migration.version}_${migration.name}  ${migration.file ?? '(file not in this checkout)'}  ${migration.statements.length} statement(s)`, color: failed ? theme.danger : theme.primary });
    migration.statements.forEach((statement, index) => {
      statement.split('\n').forEach((line, lineIndex) => rows.push({ text: `  ${lineIndex === 0 ? `${String(index + 1).padStart(2)}.` : '   '} ${line}`, color: failed && d.error?.statement === index + 1 ? theme.danger : undefined }));
    });
  }
  return rows;
}

/** Enter on a deployment: its migrations, their statements, and the error of a failed one. Scrolls with j/k. */
export function DetailsScreen({ width, height }: PaneSize) {
  const theme = useTheme();
  const modal = useDashboard((state) => (state.modal?.kind === 'details' ? state.modal : null));
  if (!modal) return null;
  const rows: Row[] = modal.error
    ? errorRows(modal.error, theme.danger)
    : modal.details
      ? detailRows(modal.details, theme)
      : [{ text: `reading deployment #${modal.id}…`, color: theme.muted }];
  return <ScrollingScreen rows={rows} scroll={modal.scroll} width={width} height={height} />;
}
