import type { Deployment } from '../../domain/deployment.js';
import { durationMs } from '../../domain/deployment.js';
import { formatDuration } from '../../domain/duration.js';
import { useDashboard, useTheme } from '../dashboard-context.js';
import type { Theme } from '../theme.js';
import { cell, windowStart } from '../text.js';
import { Line } from '../widgets/line.js';
import { Pane, paneContentColumns, paneContentRows } from '../widgets/pane.js';
import type { PaneSize } from './environments-pane.js';

/** `data/prod/stardate-2026.327.1101-2` -> `327.1101-2`: day of year and time; the details show the whole tag. */
const stardateOf = (tag: string | null) => (tag ? (tag.split('stardate-')[1]?.replace(/^\d{4}\./, '') ?? tag) : '-');

const statusOf = (deployment: Deployment) => (deployment.interrupted ? 'interrupted' : deployment.status);

function statusColor(deployment: Deployment, theme: Theme): string | undefined {
  const status = statusOf(deployment);
  if (status === 'failed' || status === 'interrupted') return theme.danger;
  if (status === 'rolled_back') return theme.muted;
  if (deployment.kind === 'rollback') return theme.accent;
  return undefined;
}

export function historyRow(deployment: Deployment): string {
  const took = durationMs(deployment);
  return [
    cell(`#${deployment.id}`, 6),
    cell(stardateOf(deployment.gitTag), 10),
    cell(deployment.kind, 8),
    cell(statusOf(deployment), 11),
    cell(String(deployment.migrations.length), 3),
    cell(took === null ? '-' : formatDuration(took), 6),
    deployment.operator.replace(/\s*<[^>]*>$/, ''),
  ].join(' ');
}

const HEADER = [' ' + cell('ID', 6), cell('STARDATE', 10), cell('KIND', 8), cell('STATUS', 11), cell('MIG', 3), cell('TOOK', 6), 'OPERATOR'].join(' ');

/** Pane 2: the selected environment's deployments, newest first; only the visible rows are drawn. */
export function HistoryPane({ width, height }: PaneSize) {
  const theme = useTheme();
  const deployments = useDashboard((state) => state.deployments);
  const visible = useDashboard((state) => state.visibleDeployments);
  const filter = useDashboard((state) => state.historyFilter);
  const filtering = useDashboard((state) => state.filtering);
  const cursor = useDashboard((state) => state.cursor.history);
  const focused = useDashboard((state) => state.focused === 'history');
  const selected = useDashboard((state) => state.selected);
  const error = useDashboard((state) => state.detailError);
  const inner = paneContentColumns(width);
  const showFilter = filtering || filter.length > 0;
  const rows = Math.max(0, paneContentRows(height) - 1 - (showFilter ? 1 : 0));
  const start = windowStart(cursor, rows, visible.length);
  const note = visible.length ? `${cursor + 1}/${visible.length}${filter ? ` of ${deployments.length}` : ''}` : '';

  return (
    <Pane number={2} title={`History${selected ? ` · ${selected}` : ''}`} focused={focused} width={width} height={height} note={note}>
      {showFilter ? <Line text={`/${filter}${filtering ? '▌' : ''}`} width={inner} color={theme.accent} /> : null}
      <Line text={HEADER} width={inner} color={theme.muted} />
      {error ? <Line text={`✗ ${error.message}`} width={inner} color={theme.danger} /> : null}
      {!error && visible.length === 0 ? <Line text={filter ? `no deployment matches "${filter}"` : 'no deployments yet'} width={inner} color={theme.muted} /> : null}
      {visible.slice(start, start + rows).map((deployment, offset) => {
        const isCursor = start + offset === cursor;
        return <Line key={deployment.id} text={`${isCursor ? '▸' : ' '}${historyRow(deployment)}`} width={inner} inverse={isCursor && focused} bold={isCursor} color={statusColor(deployment, theme)} />;
      })}
    </Pane>
  );
}
