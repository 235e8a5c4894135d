import { Box } from 'ink';
import { age } from '../../domain/duration.js';
import type { EnvironmentStatus } from '../../engine/status.js';
import { useDashboard, useNow, useTheme } from '../dashboard-context.js';
import { windowStart } from '../text.js';
import { Line } from '../widgets/line.js';
import { Pane, paneContentColumns, paneContentRows } from '../widgets/pane.js';

export interface PaneSize {
  width: number;
  height: number;
}

function lastDeployment(row: EnvironmentStatus, now: Date): string {
  const last = row.lastDeployment;
  if (!last) return 'never deployed';
  return `last #${last.id} ${last.kind} ${last.interrupted ? 'interrupted' : last.status} ${age(last.startedAt, now)}`;
}

/** Pane 1: every environment, reachable or not, with what it has applied and what is pending. */
export function EnvironmentsPane({ width, height }: PaneSize) {
  const theme = useTheme();
  const now = useNow()();
  const environments = useDashboard((state) => state.environments);
  const selected = useDashboard((state) => state.selected);
  const focused = useDashboard((state) => state.focused === 'environments');
  const error = useDashboard((state) => state.environmentsError);
  const loadedAt = useDashboard((state) => state.environmentsLoadedAt);
  const inner = paneContentColumns(width);
  const rows = paneContentRows(height);
  const perEnvironment = 2;
  const cursor = Math.max(0, environments.findIndex((row) => row.name === selected));
  const start = windowStart(cursor, Math.max(1, Math.floor(rows / perEnvironment)), environments.length);

  return (
    <Pane number={1} title="Environments" focused={focused} width={width} height={height} note={loadedAt ? `refreshed ${age(loadedAt, now)}` : 'loading'}>
      {error ? <Line text={`✗ ${error.message}`} width={inner} color={theme.danger} /> : null}
      {environments.slice(start, start + Math.floor(rows / perEnvironment)).map((row) => {
        const isSelected = row.name === selected;
        const flags = [row.protected ? 'protected' : null, row.embedded ? 'embedded' : null].filter(Boolean).join(' ');
        const head = `${isSelected ? '▸' : ' '} ${row.name.padEnd(10)} ${row.reachable ? `● up  ${lastDeployment(row, now)}` : '✗ down'}`;
        const body = row.reachable
          ? `    ${row.applied.length ? `at ${row.applied[row.applied.length - 1]}` : 'nothing applied'} · ${row.pending.length} pending · ${row.drift.length ? `drift ${row.drift.length}` : 'no drift'}${flags ? ` · ${flags}` : ''}`
          : `    ${row.error?.message ?? 'not reachable'}`;
        const failed = row.lastDeployment?.status === 'failed';
        return (
          <Box key={row.name} flexDirection="column">
            <Line text={head} width={inner} bold={isSelected} inverse={isSelected && focused} color={row.reachable ? undefined : theme.danger} />
            <Line text={body} width={inner} color={!row.reachable ? theme.danger : row.drift.length ? theme.warning : failed ? theme.warning : theme.muted} />
          </Box>
        );
      })}
    </Pane>
  );
}
