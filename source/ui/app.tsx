import { Box, useApp, useInput, useStdout } from 'ink';
import { useEffect, useState, type ReactElement } from 'react';
import type { PaneId } from '../store/dashboard-store.js';
import { useBindings, useDashboard, useStoreApi, useTheme } from './dashboard-context.js';
import { handleInput } from './handle-key.js';
import { EnvironmentsPane, type PaneSize } from './panes/environments-pane.js';
import { HistoryPane } from './panes/history-pane.js';
import { PerformancePane } from './panes/performance-pane.js';
import { TimelinePane } from './panes/timeline-pane.js';
import { AchievementsScreen } from './screens/achievements-screen.js';
import { DetailsScreen } from './screens/details-screen.js';
import { HelpScreen } from './screens/help-screen.js';
import { OperationScreen } from './screens/operation-screen.js';
import { PaletteScreen } from './screens/palette-screen.js';
import { QUIT_SCREEN_HEIGHT, QuitScreen } from './screens/quit-screen.js';
import { Footer } from './widgets/footer.js';
import { Line } from './widgets/line.js';

/** The grid needs this much room; below it the focused pane is shown alone. */
export const GRID_MIN = { columns: 120, rows: 30 };

const PANE_COMPONENTS: Record<PaneId, (size: PaneSize) => ReactElement> = {
  environments: EnvironmentsPane,
  history: HistoryPane,
  timeline: TimelinePane,
  performance: PerformancePane,
};
const PANE_TITLES: Record<PaneId, string> = { environments: '1 Environments', history: '2 History', timeline: '3 Timeline', performance: '4 Performance' };

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function Body({ width, height, layout }: PaneSize & { layout: 'grid' | 'stacked' }) {
  const theme = useTheme();
  const focused = useDashboard((state) => state.focused);
  const modal = useDashboard((state) => state.modal?.kind ?? null);
  if (modal === 'help') return <HelpScreen width={width} height={height} />;
  if (modal === 'achievements') return <AchievementsScreen width={width} height={height} />;
  if (modal === 'details') return <DetailsScreen width={width} height={height} />;
  if (modal === 'operation') return <OperationScreen width={width} height={height} />;
  if (layout === 'stacked') {
    const Focused = PANE_COMPONENTS[focused];
    const tabs = (Object.keys(PANE_TITLES) as PaneId[]).map((pane) => (pane === focused ? `[${PANE_TITLES[pane]}]` : ` ${PANE_TITLES[pane]} `)).join(' ');
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Line text={tabs} width={width} color={theme.primary} />
        <Focused width={width} height={height - 1} />
      </Box>
    );
  }
  // History has the widest rows: it gets the larger half.
  const left = Math.floor(width * 0.45);
  const top = Math.floor(height / 2);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box height={top}>
        <EnvironmentsPane width={left} height={top} />
        <HistoryPane width={width - left} height={top} />
      </Box>
      <Box height={height - top}>
        <TimelinePane width={left} height={height - top} />
        <PerformancePane width={width - left} height={height - top} />
      </Box>
    </Box>
  );
}

/** The dashboard: a header, the panes (or the open screen), a modal line, the footer. */
export function App() {
  const store = useStoreApi();
  const bindings = useBindings();
  const theme = useTheme();
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const project = useDashboard((state) => state.project);
  const selected = useDashboard((state) => state.selected);
  const readOnly = useDashboard((state) => state.readOnly);
  const quitting = useDashboard((state) => state.quitting);
  const modal = useDashboard((state) => state.modal?.kind ?? null);
  const quitAsked = useDashboard((state) => state.quitAsked);
  const layout = columns >= GRID_MIN.columns && rows >= GRID_MIN.rows ? 'grid' : 'stacked';

  useEffect(() => store.getState().setLayout(layout), [layout, store]);
  useEffect(() => {
    if (quitting) exit();
  }, [quitting, exit]);
  useInput((input, key) => handleInput(store.getState, bindings, input, key));

  // One row is left free: Ink redraws the whole screen when a frame is as tall as the terminal.
  const height = Math.max(6, rows - 1);
  const overlay = (modal === 'palette' ? 4 : 0) + (quitAsked ? QUIT_SCREEN_HEIGHT : 0);
  const bodyHeight = height - 1 - 2 - overlay;
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Line text={`data · ${project || '…'} · ${selected ?? 'no environment'}${readOnly ? ' · READ-ONLY' : ''} · ? help · : command · q quit`} width={columns} bold color={theme.primary} />
      <Body width={columns} height={bodyHeight} layout={layout} />
      {modal === 'palette' ? <PaletteScreen width={columns} /> : null}
      {quitAsked ? <QuitScreen width={columns} /> : null}
      <Footer width={columns} />
    </Box>
  );
}
