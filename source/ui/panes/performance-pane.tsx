import { formatBytes, formatRatio, sparkline } from '../../domain/metrics.js';
import { useDashboard, useTheme } from '../dashboard-context.js';
import { Line } from '../widgets/line.js';
import { Pane, paneContentColumns, paneContentRows } from '../widgets/pane.js';
import type { PaneSize } from './environments-pane.js';

const LABEL = 11;

/** Pane 4: live numbers of the selected environment's server, one query per poll. */
export function PerformancePane({ width, height }: PaneSize) {
  const theme = useTheme();
  const metrics = useDashboard((state) => state.metrics);
  const focused = useDashboard((state) => state.focused === 'performance');
  const selected = useDashboard((state) => state.selected);
  const inner = paneContentColumns(width);
  const rows = paneContentRows(height);
  const point = metrics.points[metrics.points.length - 1];
  const graph = Math.max(0, Math.min(40, inner - LABEL - 24));
  const label = (text: string) => text.padEnd(LABEL);

  const lines: Array<{ text: string; color?: string; bold?: boolean }> = [];
  if (metrics.error) lines.push({ text: `✗ ${metrics.error.message}`, color: theme.danger });
  if (!point) {
    lines.push({ text: selected ? 'waiting for the first sample' : 'no environment selected', color: theme.muted });
  } else {
    const c = point.connections;
    const tps = point.tps === null ? '—' : point.tps.toFixed(1);
    lines.push({ text: `${label('TPS')}${tps.padStart(8)}  ${sparkline(metrics.points.map((p) => p.tps), graph)}` });
    lines.push({ text: `${label('connections')}${String(c.total).padStart(8)}  ${sparkline(metrics.points.map((p) => p.connections.total), graph)}` });
    lines.push({ text: `${label('')}${c.active} active · ${c.idle} idle · ${c.idleInTransaction} idle in transaction`, color: c.idleInTransaction > 0 ? theme.warning : theme.muted });
    lines.push({
      text: `${label('server')}${`${point.serverConnections}/${point.maxConnections}`.padStart(8)}  connections of max_connections`,
      color: point.serverConnections > point.maxConnections * 0.8 ? theme.warning : undefined,
    });
    lines.push({ text: `${label('cache hit')}${formatRatio(point.cacheHitRatio).padStart(8)}  database size ${formatBytes(point.databaseBytes)}` });
    lines.push({
      text: point.longest ? `${label('longest')}${`${point.longest.seconds.toFixed(1)}s`.padStart(8)}  pid ${point.longest.pid} ${point.longest.user ?? '?'}: ${point.longest.query}` : `${label('longest')}${'—'.padStart(8)}  no query running`,
      color: point.longest && point.longest.seconds > 60 ? theme.warning : undefined,
    });
    if (point.blocked.length === 0) lines.push({ text: `${label('blocked')}${'0'.padStart(8)}`, color: theme.muted });
    else {
      lines.push({ text: `${label('blocked')}${String(point.blocked.length).padStart(8)}`, color: theme.danger, bold: true });
      for (const blocked of point.blocked) {
        const by = blocked.blockedBy.map((b) => `pid ${b.pid} ${b.user ?? '?'}: ${b.query ?? '?'}`).join('; ');
        lines.push({ text: `  pid ${blocked.pid} waits ${blocked.waitingSeconds.toFixed(1)}s on ${by || 'unknown'} | ${blocked.query}`, color: theme.danger });
      }
    }
  }
  const note = point ? `every poll: 1 query${metrics.points.length > 1 ? ` · ${metrics.points.length} samples` : ''}` : '';
  return (
    <Pane number={4} title={`Performance${selected ? ` · ${selected}` : ''}`} focused={focused} width={width} height={height} note={note}>
      {lines.slice(0, rows).map((line, index) => <Line key={index} text={line.text} width={inner} color={line.color} bold={line.bold} />)}
    </Pane>
  );
}
