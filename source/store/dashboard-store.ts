import { createStore, type StoreApi } from 'zustand/vanilla';
import { announcementText, type AchievementProgress } from '../domain/achievements.js';
import type { Deployment } from '../domain/deployment.js';
import { ExitCode, isDataError } from '../domain/errors.js';
import { appendPoint, derivePoint, type MetricsPoint, type MetricsSample } from '../domain/metrics.js';
import { personaMessage, type MessageKey, type MessageVars, type PersonaCatalogue } from '../domain/personas.js';
import { checkAchievements } from '../engine/achievements.js';
import { nonInteractive, type EngineContext, type EngineEvent } from '../engine/context.js';
import { deploy } from '../engine/deploy.js';
import { readDeploymentDetails, type DeploymentDetails } from '../engine/deployment-details.js';
import { personaLine, spoken } from '../engine/event-persona.js';
import { describeEvent } from '../engine/event-text.js';
import { openMetricsSource } from '../engine/metrics.js';
import { loadProject } from '../engine/project.js';
import { previewRollback, rollback, type RollbackOptions, type RollbackPreview } from '../engine/rollback.js';
import { reviewDeployment, type SafetyReport } from '../engine/safety.js';
import { readStatus, type EnvironmentStatus } from '../engine/status.js';
import { readTimeline, type TimelineEntry } from '../engine/timeline.js';
import { parsePaletteInput } from './palette.js';

export type PaneId = 'environments' | 'history' | 'timeline' | 'performance';
export const PANES: readonly PaneId[] = ['environments', 'history', 'timeline', 'performance'];

/** An error as the dashboard shows it: what, where, how to fix. */
export interface ErrorInfo {
  message: string;
  where?: string;
  fix?: string;
}

export interface PendingMigration {
  version: string;
  name: string;
  file: string;
  statements: number;
  noTransaction: boolean;
}

export type OperationPhase = 'loading' | 'review' | 'running' | 'done';

/** The deploy and rollback flows: review what will happen, confirm, watch it run, see the result. */
export interface OperationModal {
  kind: 'operation';
  action: 'deploy' | 'rollback';
  environment: string;
  protected: boolean;
  phase: OperationPhase;
  /** deploy: the pending migrations and drift, and what the safety layer says of them. */
  pending?: PendingMigration[];
  drift?: Array<{ version: string; reason: string }>;
  safety?: SafetyReport;
  /** rollback: what will be undone. */
  rollbackOptions?: RollbackOptions;
  preview?: RollbackPreview;
  /** Why it cannot run; the modal then only closes. */
  blocked: ErrorInfo | null;
  /** What was typed back on a protected environment. */
  typed: string;
  /** A stress warning on a protected environment asks once more: answered with y. */
  stressConfirmed: boolean;
  /** The outcome: the deployment row it wrote, or the error that stopped it before one. */
  result: Deployment | null;
  error: ErrorInfo | null;
}

export type Modal =
  | { kind: 'help'; scroll: number }
  /** `a`: progress is null while it loads; fresh holds the ids unlocked since they were last shown. */
  | { kind: 'achievements'; progress: AchievementProgress[] | null; fresh: string[]; error: ErrorInfo | null; scroll: number }
  | { kind: 'palette'; input: string; message: string | null }
  | { kind: 'details'; id: number; details: DeploymentDetails | null; error: ErrorInfo | null; scroll: number }
  | OperationModal;

/** The last deploy or rollback started here, with its progress events; running until it ends. */
export interface RunningOperation {
  action: 'deploy' | 'rollback';
  environment: string;
  events: EngineEvent[];
  running: boolean;
}

export interface MetricsState {
  environment: string | null;
  latest: MetricsSample | null;
  points: MetricsPoint[];
  error: ErrorInfo | null;
}

export interface DashboardState {
  project: string;
  readOnly: boolean;
  environments: EnvironmentStatus[];
  environmentsError: ErrorInfo | null;
  environmentsLoadedAt: Date | null;
  selected: string | null;
  focused: PaneId;
  /** 'grid' shows all four panes; 'stacked' only the focused one in full. */
  layout: 'grid' | 'stacked';
  /** Row under the cursor in each pane. */
  cursor: Record<PaneId, number>;
  /** The selected environment's deployments, newest first, and its timeline, oldest first. */
  deployments: Deployment[];
  /** The deployments the history filter lets through, kept with the filter so a key press never filters again. */
  visibleDeployments: Deployment[];
  timeline: TimelineEntry[];
  detailError: ErrorInfo | null;
  historyFilter: string;
  filtering: boolean;
  /** Deployment ids marked in the timeline (at most two). */
  marks: number[];
  metrics: MetricsState;
  modal: Modal | null;
  operation: RunningOperation | null;
  /** The line in the footer: what just happened, then the persona's words for it (none in plain mode). */
  statusLine: string;
  warnings: string[];
  /** q while an operation runs: the question is on screen over whatever is open. */
  quitAsked: boolean;
  quitting: boolean;
}

export interface DashboardActions {
  start(): Promise<void>;
  stop(): Promise<void>;
  refresh(): Promise<void>;
  refreshEnvironments(): Promise<void>;
  loadSelected(): Promise<void>;
  setLayout(layout: DashboardState['layout']): void;
  focusPane(pane: PaneId): void;
  cyclePane(step: 1 | -1): void;
  move(delta: number): void;
  selectEnvironment(name: string): void;
  startFilter(): void;
  editFilter(text: string): void;
  endFilter(keep: boolean): void;
  toggleMark(): void;
  clearMarks(): void;
  openHelp(): void;
  openAchievements(): Promise<void>;
  openPalette(): void;
  editPalette(input: string): void;
  runPalette(): void;
  openDetails(): Promise<void>;
  /** j/k in the help and details screens. */
  scrollModal(delta: number): void;
  openDeploy(environment?: string): Promise<void>;
  openRollback(options?: RollbackOptions, environment?: string): Promise<void>;
  typeConfirmation(text: string): void;
  confirmStress(): void;
  confirmOperation(): Promise<void>;
  closeModal(): void;
  requestQuit(): void;
  cancelQuit(): void;
  /** Ctrl-C: quit now, even mid-operation (its transaction rolls back with the connection). */
  forceQuit(): void;
  /** Puts a message in the footer (a disabled key says why). */
  say(message: string): void;
  pollMetrics(): Promise<void>;
}

export type DashboardStore = StoreApi<DashboardState & DashboardActions>;

export interface DashboardOptions {
  context: EngineContext;
  readOnly?: boolean;
  /** Environment to select first (default: the first one). */
  environment?: string;
  /** Performance poll interval (default 2 s) and environments refresh interval (default 10 s). */
  pollMs?: number;
  refreshMs?: number;
  /** Metric points kept for the sparklines. */
  metricsCapacity?: number;
  /** Whose words follow the facts in the footer; null or absent: plain text. */
  persona?: PersonaCatalogue | null;
}

export const errorInfo = (error: unknown): ErrorInfo =>
  isDataError(error) ? { message: error.message, where: error.where, fix: error.fix } : { message: (error as Error)?.message ?? String(error) };

/** A stress warning that asks once more (protected environment) and has not been answered yet. */
export const needsStressConfirmation = (modal: OperationModal) =>
  !modal.stressConfirmed && (modal.safety?.stress.some((warning) => warning.extraConfirmation) ?? false);

/** Deployments matching the history filter: id, tag, kind, status, operator or a migration version. */
export function filterDeployments(deployments: Deployment[], filter: string): Deployment[] {
  const needle = filter.trim().toLowerCase();
  if (!needle) return deployments;
  return deployments.filter((d) =>
    `#${d.id}` === needle ||
    String(d.id) === needle ||
    [d.gitTag ?? '', d.kind, d.interrupted ? 'interrupted' : d.status, d.operator, ...d.migrations].some((field) => field.toLowerCase().includes(needle)),
  );
}

const visibleDeployments = (state: DashboardState) => state.visibleDeployments;

const clamp = (value: number, length: number) => Math.max(0, Math.min(value, length - 1));

/**
 * The dashboard's state and the actions that change it. Actions call the
 * engine; components read the state and call actions, never the engine.
 */
export function createDashboardStore(options: DashboardOptions): DashboardStore {
  const pollMs = options.pollMs ?? 2000;
  const refreshMs = options.refreshMs ?? 10_000;
  const capacity = options.metricsCapacity ?? 90;
  const timers: NodeJS.Timeout[] = [];
  let metricsSource: Awaited<ReturnType<typeof openMetricsSource>> | null = null;
  let metricsFor: string | null = null;
  let polling = false;
  let stopped = false;
  /** The deploy or rollback running now, and how to interrupt it. */
  let current: { controller: AbortController; done: Promise<void> } | null = null;
  let selectionToken = 0;

  const quiet = (report: (event: EngineEvent) => void): EngineContext => ({ ...options.context, report, interaction: nonInteractive });
  const persona = options.persona ?? null;
  /** The fact first, so a narrow footer cuts the persona's words, never the fact. */
  const voiced = (fact: string, line: string | null) => (persona && line ? `${fact} · ${spoken(persona, line)}` : fact);
  const say = <K extends MessageKey>(fact: string, key: K, vars: MessageVars<K>, seed: string) =>
    voiced(fact, persona && personaMessage(persona, key, vars, seed));
  const readContext = quiet(() => {});

  const store = createStore<DashboardState & DashboardActions>()((set, get) => {
    const patchModal = <M extends Modal>(kind: M['kind'], patch: Partial<M>) => {
      const modal = get().modal;
      if (modal?.kind === kind) set({ modal: { ...modal, ...patch } as Modal });
    };

    const closeMetrics = async () => {
      const source = metricsSource;
      metricsSource = null;
      metricsFor = null;
      await source?.close().catch(() => {});
    };

    const performanceVisible = (state: DashboardState) => state.modal === null && (state.layout === 'grid' || state.focused === 'performance');

    const runOperation = async (modal: OperationModal) => {
      const controller = new AbortController();
      const done = performOperation(modal, controller.signal);
      current = { controller, done };
      try {
        await done;
      } finally {
        current = null;
      }
      if (stopped) return;
      await get().refresh();
      // Achievements earned here are announced in the footer, once; a problem with them never shows as the operation's.
      try {
        const { announce } = await checkAchievements(readContext, { budgetMs: 3000 });
        if (announce.length > 0 && !stopped) set({ statusLine: announce.map(announcementText).join('  ') });
      } catch {
        // The next `data achievements` or `a` evaluates again.
      }
    };

    const performOperation = async (modal: OperationModal, signal: AbortSignal) => {
      const { action, environment } = modal;
      set({ operation: { action, environment, events: [], running: true }, statusLine: `${action} of ${environment} started` });
      patchModal<OperationModal>('operation', { phase: 'running' });
      const report = (event: EngineEvent) => {
        const operation = get().operation;
        if (operation) set({ operation: { ...operation, events: [...operation.events, event] }, statusLine: voiced(describeEvent(event), persona && personaLine(persona, event)) });
      };
      try {
        const context = { ...quiet(report), signal };
        const result =
          action === 'deploy'
            ? (await deploy(context, environment, { yes: true })).deployment
            : await rollback(context, environment, { ...modal.rollbackOptions, yes: true });
        patchModal<OperationModal>('operation', { phase: 'done', result });
        if (!result) set({ statusLine: say(`nothing to deploy to ${environment}`, 'nothing_to_deploy', { env: environment }, environment) });
      } catch (error) {
        const info = errorInfo(error);
        patchModal<OperationModal>('operation', { phase: 'done', error: info });
        const fact = `${action} of ${environment} refused: ${info.message}`;
        set({ statusLine: isDataError(error) && error.exitCode === ExitCode.refused ? say(fact, 'refused', {}, info.message) : fact });
      } finally {
        const operation = get().operation;
        if (operation) set({ operation: { ...operation, running: false } });
      }
    };

    return {
      project: '',
      readOnly: options.readOnly ?? false,
      environments: [],
      environmentsError: null,
      environmentsLoadedAt: null,
      selected: options.environment ?? null,
      focused: 'environments',
      layout: 'grid',
      cursor: { environments: 0, history: 0, timeline: 0, performance: 0 },
      deployments: [],
      visibleDeployments: [],
      timeline: [],
      detailError: null,
      historyFilter: '',
      filtering: false,
      marks: [],
      metrics: { environment: null, latest: null, points: [], error: null },
      modal: null,
      operation: null,
      statusLine: 'loading environments',
      warnings: [],
      quitAsked: false,
      quitting: false,

      async start() {
        try {
          const project = await loadProject(options.context);
          const names = project.config.environmentNames;
          const selected = get().selected;
          set({ project: project.config.project, selected: selected && names.includes(selected) ? selected : (names[0] ?? null) });
        } catch (error) {
          set({ environmentsError: errorInfo(error), statusLine: errorInfo(error).message });
          return;
        }
        // The selected environment is known from the config: its history loads beside the statuses.
        await Promise.all([get().refreshEnvironments(), get().loadSelected()]);
        if (stopped) return;
        timers.push(setInterval(() => void get().refreshEnvironments(), refreshMs));
        timers.push(setInterval(() => void get().pollMetrics(), pollMs));
        void get().pollMetrics();
      },

      async stop() {
        stopped = true;
        // Quitting mid-operation: its running statement is cancelled, its transaction rolls back, and it is recorded.
        const running = current;
        running?.controller.abort();
        for (const timer of timers.splice(0)) clearInterval(timer);
        await closeMetrics();
        await running?.done;
      },

      async refresh() {
        await get().refreshEnvironments();
        await get().loadSelected();
      },

      async refreshEnvironments() {
        try {
          const environments = await readStatus(readContext);
          if (stopped) return;
          const names = environments.map((environment) => environment.name);
          const state = get();
          const newest = environments.find((environment) => environment.name === state.selected)?.lastDeployment?.id;
          const stale = newest !== undefined && newest !== state.deployments[0]?.id;
          const selected = state.selected && names.includes(state.selected) ? state.selected : (names[0] ?? null);
          set({
            environments,
            environmentsError: null,
            environmentsLoadedAt: options.context.clock(),
            selected,
            cursor: { ...state.cursor, environments: Math.max(0, names.indexOf(selected ?? '')) },
            statusLine: state.statusLine === 'loading environments'
              ? say(`${environments.length} environment(s); ${environments.filter((e) => !e.reachable).length} unreachable`, 'greeting', { project: state.project }, state.project)
              : state.statusLine,
          });
          // Someone deployed from elsewhere: the history and timeline follow.
          if (stale && state.environmentsLoadedAt) void get().loadSelected();
        } catch (error) {
          if (!stopped) set({ environmentsError: errorInfo(error) });
        }
      },

      async loadSelected() {
        const environment = get().selected;
        const token = ++selectionToken;
        if (!environment) return;
        const row = get().environments.find((candidate) => candidate.name === environment);
        if (row && !row.reachable) {
          set({ deployments: [], visibleDeployments: [], timeline: [], detailError: row.error ? errorInfo(row.error) : { message: `${environment} is not reachable` } });
          return;
        }
        try {
          const timeline = await readTimeline(readContext, environment);
          if (token !== selectionToken || stopped) return;
          const deployments = timeline.map((entry) => entry.deployment).reverse();
          const state = get();
          const visibleDeployments = filterDeployments(deployments, state.historyFilter);
          set({
            timeline,
            deployments,
            visibleDeployments,
            detailError: null,
            marks: state.marks.filter((id) => deployments.some((d) => d.id === id)),
            cursor: {
              ...state.cursor,
              history: clamp(state.cursor.history, visibleDeployments.length),
              timeline: clamp(state.cursor.timeline, timeline.length),
            },
          });
        } catch (error) {
          if (token === selectionToken && !stopped) set({ deployments: [], visibleDeployments: [], timeline: [], detailError: errorInfo(error) });
        }
      },

      setLayout(layout) {
        if (get().layout !== layout) set({ layout });
      },

      focusPane(pane) {
        set({ focused: pane });
        if (pane === 'performance') void get().pollMetrics();
      },

      cyclePane(step) {
        const index = PANES.indexOf(get().focused);
        get().focusPane(PANES[(index + step + PANES.length) % PANES.length]!);
      },

      move(delta) {
        const state = get();
        const pane = state.focused;
        if (pane === 'environments') {
          if (state.environments.length === 0) return;
          const index = clamp(state.cursor.environments + delta, state.environments.length);
          get().selectEnvironment(state.environments[index]!.name);
          return;
        }
        const length = pane === 'history' ? visibleDeployments(state).length : pane === 'timeline' ? state.timeline.length : 0;
        if (length === 0) return;
        set({ cursor: { ...state.cursor, [pane]: clamp(state.cursor[pane] + delta, length) } });
      },

      selectEnvironment(name) {
        const state = get();
        const index = state.environments.findIndex((environment) => environment.name === name);
        if (index < 0 || name === state.selected) {
          if (index >= 0) set({ cursor: { ...state.cursor, environments: index } });
          return;
        }
        set({
          selected: name,
          cursor: { ...state.cursor, environments: index, history: 0, timeline: 0 },
          deployments: [],
          visibleDeployments: [],
          timeline: [],
          marks: [],
          detailError: null,
          metrics: { environment: name, latest: null, points: [], error: null },
        });
        void closeMetrics().then(() => get().pollMetrics());
        void get().loadSelected();
      },

      startFilter() {
        set({ filtering: true, focused: 'history' });
      },

      editFilter(text) {
        set({ historyFilter: text, visibleDeployments: filterDeployments(get().deployments, text), cursor: { ...get().cursor, history: 0 } });
      },

      endFilter(keep) {
        set(keep ? { filtering: false } : { filtering: false, historyFilter: '', visibleDeployments: get().deployments, cursor: { ...get().cursor, history: 0 } });
      },

      toggleMark() {
        const state = get();
        const entry = state.timeline[state.timeline.length - 1 - state.cursor.timeline];
        if (!entry) return;
        const id = entry.deployment.id;
        const marks = state.marks.includes(id) ? state.marks.filter((mark) => mark !== id) : [...state.marks, id].slice(-2);
        set({ marks });
      },

      clearMarks() {
        set({ marks: [] });
      },

      openHelp() {
        set({ modal: { kind: 'help', scroll: 0 } });
      },

      async openAchievements() {
        set({ modal: { kind: 'achievements', progress: null, fresh: [], error: null, scroll: 0 } });
        try {
          const { evaluation, announce } = await checkAchievements(readContext);
          patchModal('achievements', { progress: evaluation.progress, fresh: announce.map((achievement) => achievement.id) });
          if (announce.length > 0) set({ statusLine: announce.map(announcementText).join('  ') });
        } catch (error) {
          patchModal('achievements', { error: errorInfo(error) });
        }
      },

      openPalette() {
        set({ modal: { kind: 'palette', input: '', message: null } });
      },

      editPalette(input) {
        patchModal('palette', { input, message: null });
      },

      runPalette() {
        const state = get();
        if (state.modal?.kind !== 'palette') return;
        const parsed = parsePaletteInput(state.modal.input, state.environments.map((environment) => environment.name));
        if (!parsed.ok) return patchModal('palette', { message: parsed.message });
        const command = parsed.command;
        if (state.readOnly && (command.name === 'deploy' || command.name === 'rollback')) {
          return patchModal('palette', { message: `${command.name} is not available: the dashboard was opened with --read-only` });
        }
        set({ modal: null });
        switch (command.name) {
          case 'deploy':
            return void get().openDeploy(command.environment);
          case 'rollback':
            return void get().openRollback(command.to !== undefined ? { to: command.to } : { steps: command.steps ?? 1 }, command.environment);
          case 'history':
          case 'timeline':
          case 'performance':
          case 'status':
            if (command.environment) get().selectEnvironment(command.environment);
            return get().focusPane(command.name === 'status' ? 'environments' : command.name);
          case 'refresh':
            return void get().refresh();
          case 'help':
            return get().openHelp();
          case 'quit':
            return get().requestQuit();
        }
      },

      async openDetails() {
        const state = get();
        const deployment = visibleDeployments(state)[state.cursor.history];
        if (!deployment || !state.selected) return;
        set({ modal: { kind: 'details', id: deployment.id, details: null, error: null, scroll: 0 } });
        try {
          const details = await readDeploymentDetails(readContext, state.selected, deployment.id);
          if (get().modal?.kind === 'details') patchModal('details', { details });
        } catch (error) {
          patchModal('details', { error: errorInfo(error) });
        }
      },

      scrollModal(delta) {
        const modal = get().modal;
        if (modal?.kind === 'details' || modal?.kind === 'help' || modal?.kind === 'achievements') set({ modal: { ...modal, scroll: Math.max(0, modal.scroll + delta) } });
      },

      async openDeploy(environment = get().selected ?? undefined) {
        if (!environment || get().operation?.running) return;
        const row = get().environments.find((candidate) => candidate.name === environment);
        const base: OperationModal = {
          kind: 'operation', action: 'deploy', environment, protected: row?.protected ?? false, phase: 'loading',
          blocked: null, typed: '', stressConfirmed: false, result: null, error: null,
        };
        // A word left in the footer by an earlier key is about something else now.
        set({ modal: base, statusLine: `deploy to ${environment}: reading the plan` });
        try {
          const { plan, safety } = await reviewDeployment(readContext, environment);
          const pending = plan.pending.map(({ migration, up }) => ({
            version: migration.version, name: migration.name, file: up.script.file, statements: up.statements.length, noTransaction: up.script.noTransaction,
          }));
          const blocked: ErrorInfo | null =
            plan.drift.length > 0
              ? { message: `${environment} has drifted from the migration files (${plan.drift.length} migration(s))`, fix: `inspect with \`data status ${environment}\`; deploy from the command line with --allow-drift once you know why` }
              : pending.length === 0
                ? { message: `nothing to deploy: ${environment} is up to date` }
                : safety.blockers.length > 0
                  ? {
                      message: `refused by ${safety.blockers.length} safety finding(s): ${safety.blockers.map((blocker) => blocker.rule).join(', ')}`,
                      fix: `fix the migrations, or: data deploy ${environment} --override <rule> --justification "<why>"`,
                    }
                  : null;
          patchModal<OperationModal>('operation', { phase: 'review', pending, drift: plan.drift, safety, blocked });
          set({ warnings: safety.stress.map((warning) => warning.message) });
        } catch (error) {
          patchModal<OperationModal>('operation', { phase: 'review', blocked: errorInfo(error) });
        }
      },

      async openRollback(rollbackOptions, environment = get().selected ?? undefined) {
        const state = get();
        if (!environment || state.operation?.running) return;
        let chosen = rollbackOptions;
        if (!chosen) {
          const deployment = visibleDeployments(state)[state.cursor.history];
          if (!deployment) return;
          chosen = { through: deployment.id };
        }
        const row = state.environments.find((candidate) => candidate.name === environment);
        set({
          modal: {
            kind: 'operation', action: 'rollback', environment, protected: row?.protected ?? false, phase: 'loading',
            rollbackOptions: chosen, blocked: null, typed: '', stressConfirmed: false, result: null, error: null,
          },
          statusLine: `rollback of ${environment}: reading what it would undo`,
        });
        try {
          const preview = await previewRollback(readContext, environment, chosen);
          patchModal<OperationModal>('operation', { phase: 'review', preview, protected: preview.protected, blocked: preview.blocked ? errorInfo(preview.blocked) : null });
        } catch (error) {
          patchModal<OperationModal>('operation', { phase: 'review', blocked: errorInfo(error) });
        }
      },

      confirmStress() {
        const modal = get().modal;
        if (modal?.kind === 'operation' && modal.phase === 'review') set({ modal: { ...modal, stressConfirmed: true } });
      },

      typeConfirmation(text) {
        const modal = get().modal;
        if (modal?.kind === 'operation' && modal.phase === 'review') set({ modal: { ...modal, typed: text } });
      },

      async confirmOperation() {
        const modal = get().modal;
        if (modal?.kind !== 'operation' || modal.phase !== 'review' || modal.blocked || get().operation?.running) return;
        if (get().readOnly) return;
        if (modal.protected && modal.typed !== modal.environment) return;
        if (needsStressConfirmation(modal)) return;
        await runOperation(modal);
      },

      closeModal() {
        const modal = get().modal;
        if (modal?.kind === 'operation' && modal.phase === 'running') return;
        set({ modal: null, warnings: [] });
        // Closed before it ran: the footer must not keep saying it is being prepared.
        if (modal?.kind === 'operation' && modal.phase !== 'done') set({ statusLine: `${modal.action} of ${modal.environment}: cancelled, nothing ran` });
        if (performanceVisible(get())) void get().pollMetrics();
      },

      requestQuit() {
        const state = get();
        if (state.operation?.running && !state.quitAsked) {
          set({ quitAsked: true });
          return;
        }
        set({ quitting: true });
      },

      cancelQuit() {
        set({ quitAsked: false });
      },

      forceQuit() {
        set({ quitting: true });
      },

      say(message) {
        set({ statusLine: message });
      },

      async pollMetrics() {
        const state = get();
        const environment = state.selected;
        if (stopped || polling || !environment || !performanceVisible(state)) return;
        const row = state.environments.find((candidate) => candidate.name === environment);
        if (!row?.reachable) return;
        polling = true;
        try {
          if (metricsFor !== environment) {
            await closeMetrics();
            const source = await openMetricsSource(readContext, environment);
            if (stopped) return void (await source.close());
            metricsSource = source;
            metricsFor = environment;
          }
          const sample = await metricsSource!.sample();
          if (stopped || get().selected !== environment) return;
          const metrics = get().metrics;
          const previous = metrics.environment === environment ? metrics.latest : null;
          const points = metrics.environment === environment ? metrics.points : [];
          set({ metrics: { environment, latest: sample, points: appendPoint(points, derivePoint(previous, sample), capacity), error: null } });
        } catch (error) {
          await closeMetrics();
          if (!stopped) set({ metrics: { ...get().metrics, environment, error: errorInfo(error) } });
        } finally {
          polling = false;
        }
      },
    };
  });
  return store;
}
