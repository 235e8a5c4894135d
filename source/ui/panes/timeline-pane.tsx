import { Box } from 'ink';
import { useMemo } from 'react';
import { cumulativeChanges, formatChange, type SchemaChange } from '../../domain/schema-changes.js';
import type { TimelineEntry } from '../../engine/timeline.js';
import { useDashboard, useTheme } from '../dashboard-context.js';
import type { Theme } from '../theme.js';
import { Line } from '../widgets/line.js';
import { Pane, paneContentColumns, paneContentRows } from '../widgets/pane.js';
import type { PaneSize } from './environments-pane.js';

/** Change lines shown per deployment before "… N more". */
const CHANGES_PER_ENTRY = 6;

interface Row {
  key: string;
  text: string;
  color?: string;
  bold?: boolean;
  inverse?: boolean;
}

const when = (date: Date) => date.toISOString().slice(0, 16).replace('T', ' ');

function changeRow(key: string, change: SchemaChange, theme: Theme): Row {
  const color = change.destructive ? theme.danger : change.op === '+' ? theme.success : change.op === '-' ? theme.warning : undefined;
  return { key, text: `    ${formatChange(change)}${change.destructive ? '  !destructive' : ''}`, color, bold: change.destructive };
}

function entryRows(entry: TimelineEntry, marked: boolean, isCursor: boolean, focused: boolean, theme: Theme): Row[] {
  const d = entry.deployment;
  const status = d.interrupted ? 'interrupted' : d.status;
  const rows: Row[] = [{
    key: `h${d.id}`,
    text: `${isCursor ? '▸' : ' '}${marked ? '◆' : '○'} #${d.id} ${when(d.startedAt)} ${d.kind} ${status}`,
    bold: isCursor,
    inverse: isCursor && focused,
    color: status === 'failed' || status === 'interrupted' ? theme.danger : d.kind === 'rollback' ? theme.accent : undefined,
  }];
  if (status === 'failed' || status === 'interrupted') {
    const committed = d.error?.committed?.length ?? 0;
    const text = committed > 0
      ? `    ${committed} of ${d.migrations.length} migration(s) committed before the failure, and kept:`
      : '    no change (rolled back by the server)';
    rows.push({ key: `n${d.id}`, text, color: committed > 0 ? theme.warning : theme.muted });
  }
  entry.changes.slice(0, CHANGES_PER_ENTRY).forEach((change, index) => rows.push(changeRow(`c${d.id}.${index}`, change, theme)));
  if (entry.changes.length > CHANGES_PER_ENTRY) rows.push({ key: `m${d.id}`, text: `    … ${entry.changes.length - CHANGES_PER_ENTRY} more`, color: theme.muted });
  for (const name of entry.unknown) rows.push({ key: `u${d.id}${name}`, text: `    ? ${name}: file not in this checkout`, color: theme.muted });
  return rows;
}

/** The change from just after the older mark through the newer one. */
export function markedRange(timeline: TimelineEntry[], marks: number[]): { from: number; to: number; entries: TimelineEntry[] } | null {
  if (marks.length < 2) return null;
  const [from, to] = [Math.min(...marks), Math.max(...marks)];
  return { from, to, entries: timeline.filter((entry) => entry.deployment.id > from && entry.deployment.id <= to) };
}

/** Pane 3: each deployment with the schema changes its migrations made; two marks show the net change between them. */
export function TimelinePane({ width, height }: PaneSize) {
  const theme = useTheme();
  const timeline = useDashboard((state) => state.timeline);
  const cursor = useDashboard((state) => state.cursor.timeline);
  const marks = useDashboard((state) => state.marks);
  const focused = useDashboard((state) => state.focused === 'timeline');
  const inner = paneContentColumns(width);
  const total = paneContentRows(height);
  const range = useMemo(() => markedRange(timeline, marks), [timeline, marks]);
  const cumulative = useMemo(() => (range ? cumulativeChanges(range.entries.flatMap((entry) => entry.changes)) : []), [range]);
  const listRows = range ? Math.max(1, Math.floor(total / 2)) : total;

  // Newest first; walk back from the cursor so it stays in the upper half of the list.
  const newestFirst = timeline.length - 1;
  const rowsOf = (index: number) => entryRows(timeline[newestFirst - index]!, marks.includes(timeline[newestFirst - index]!.deployment.id), index === cursor, focused, theme);
  let first = cursor;
  let above = timeline.length ? rowsOf(cursor).length : 0;
  while (first > 0 && above + rowsOf(first - 1).length <= Math.floor(listRows / 2)) above += rowsOf(--first).length;
  const rows: Row[] = [];
  for (let index = first; index < timeline.length && rows.length < listRows; index++) rows.push(...rowsOf(index));

  const note = marks.length === 1 ? `marked #${marks[0]}; mark another` : range ? `Δ #${range.from} → #${range.to}` : `${timeline.length} deployment(s)`;
  return (
    <Pane number={3} title="Diff timeline" focused={focused} width={width} height={height} note={note}>
      {timeline.length === 0 ? <Line text="no deployments yet" width={inner} color={theme.muted} /> : null}
      {rows.slice(0, listRows).map((row) => <Line key={row.key} text={row.text} width={inner} color={row.color} bold={row.bold} inverse={row.inverse} />)}
      {range ? (
        <Box flexDirection="column" marginTop={rows.length < listRows ? listRows - rows.length : 0}>
          <Line text={`Δ after #${range.from} through #${range.to}: ${cumulative.length} net change(s) over ${range.entries.length} deployment(s)`} width={inner} bold color={theme.primary} />
          {cumulative.length === 0 ? <Line text="    no net change" width={inner} color={theme.muted} /> : null}
          {cumulative.slice(0, Math.max(0, total - listRows - 1)).map((change, index) => {
            const row = changeRow(`d${index}`, change, theme);
            return <Line key={row.key} text={row.text} width={inner} color={row.color} bold={row.bold} />;
          })}
        </Box>
      ) : null}
    </Pane>
  );
}
