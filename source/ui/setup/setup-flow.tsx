import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { SslMode } from '../../adapters/postgres.js';
import { describeProfile, validateField, type ConnectionCheck, type ProfileFields, type SavedProfile, type SetupChoice, type SetupField } from '../../engine/setup.js';
import { DEFAULT_THEME, type Theme } from '../theme.js';
import { AnswersSummary } from './answers-summary.js';
import { EnvironmentPicker } from './environment-picker.js';
import { FailureMenu, type MenuChoice } from './failure-menu.js';
import { FieldPrompt } from './field-prompt.js';
import { SslmodePicker } from './sslmode-picker.js';

export type SetupOutcome =
  | { status: 'saved'; environment: string; saved: SavedProfile }
  | { status: 'cancelled'; environment?: string };

/** What the flow calls: engine functions, so the prompts never touch Postgres or files themselves. */
export interface SetupFlowProps {
  choices: SetupChoice[];
  /** Given: the picker is skipped. */
  environment?: string;
  defaultsFor(environment: string): ProfileFields;
  check(environment: string, fields: ProfileFields, password: string): Promise<ConnectionCheck>;
  save(environment: string, fields: ProfileFields, password: string): Promise<SavedProfile>;
  onDone(outcome: SetupOutcome): void;
  theme?: Theme;
}

type TextField = 'host' | 'port' | 'database' | 'user' | 'password';
const TEXT_FIELDS: TextField[] = ['host', 'port', 'database', 'user', 'password'];

const LABELS: Record<SetupField, string> = { host: 'Host', port: 'Port', database: 'Database', user: 'User', password: 'Password', sslmode: 'sslmode' };

type Step =
  | { kind: 'pick' }
  | { kind: 'field'; field: TextField; editing: boolean }
  | { kind: 'sslmode'; editing: boolean }
  | { kind: 'testing' }
  | { kind: 'menu'; failure?: { message: string; fix: string }; suggested: MenuChoice }
  | { kind: 'saving' }
  | { kind: 'ended'; outcome: SetupOutcome };

type TextAnswers = Partial<Record<Exclude<TextField, 'password'>, string>>;

/**
 * `data setup`: environment, host, port, database, user, password (masked),
 * sslmode; then a live test. A failure says what to fix and offers to edit
 * any answer and try again; Esc or Ctrl-C cancels, and nothing is saved
 * until the test passes.
 */
export function SetupFlow({ choices, environment: given, defaultsFor, check, save, onDone, theme = DEFAULT_THEME }: SetupFlowProps) {
  const [environment, setEnvironment] = useState<string | undefined>(given);
  const [step, setStep] = useState<Step>(given ? { kind: 'field', field: 'host', editing: false } : { kind: 'pick' });
  const [answers, setAnswers] = useState<TextAnswers>({});
  const [sslmode, setSslmode] = useState<SslMode | undefined>();
  // The password stays in a ref, out of React state: only whether there is one is ever drawn.
  const password = useRef<string | undefined>(undefined);
  const [menus, setMenus] = useState(0);
  const finished = useRef(false);
  const defaults = useMemo(() => (environment ? defaultsFor(environment) : undefined), [environment]);

  // The outcome is drawn first, then reported: the caller unmounts on it.
  const finish = (outcome: SetupOutcome) => {
    if (finished.current) return;
    finished.current = true;
    setStep({ kind: 'ended', outcome });
  };
  useEffect(() => {
    if (step.kind === 'ended') onDone(step.outcome);
  }, [step]);

  useInput((input, key) => {
    if ((key.escape || (key.ctrl && input === 'c')) && step.kind !== 'saving') finish({ status: 'cancelled', environment });
  });

  const fields = (mode = sslmode): ProfileFields => ({
    host: answers.host!,
    port: Number(answers.port),
    database: answers.database!,
    user: answers.user!,
    sslmode: mode!,
  });

  const openMenu = (suggested: MenuChoice, failure?: { message: string; fix: string }) => {
    setMenus((count) => count + 1);
    setStep({ kind: 'menu', failure, suggested });
  };

  const test = async (candidate: ProfileFields) => {
    setStep({ kind: 'testing' });
    let result: ConnectionCheck;
    try {
      result = await check(environment!, candidate, password.current ?? '');
    } catch (error) {
      result = { ok: false, problem: 'other', message: (error as Error).message, fix: 'edit the answers and try again', field: 'host' };
    }
    if (finished.current) return;
    if (!result.ok) return openMenu(result.field, { message: result.message, fix: result.fix });
    setStep({ kind: 'saving' });
    try {
      finish({ status: 'saved', environment: environment!, saved: await save(environment!, candidate, password.current ?? '') });
    } catch (error) {
      openMenu('retry', { message: `the connection works, but saving failed: ${(error as Error).message}`, fix: 'fix that, then test again to save' });
    }
  };

  const answerText = (field: TextField, value: string, editing: boolean) => {
    if (field === 'password') password.current = value;
    else setAnswers((current) => ({ ...current, [field]: field === 'port' ? String(Number(value)) : value.trim() }));
    if (editing) return openMenu('retry');
    const next = TEXT_FIELDS[TEXT_FIELDS.indexOf(field) + 1];
    setStep(next ? { kind: 'field', field: next, editing: false } : { kind: 'sslmode', editing: false });
  };

  const choose = (choice: MenuChoice) => {
    if (choice === 'cancel') return finish({ status: 'cancelled', environment });
    if (choice === 'retry') return void test(fields());
    if (choice === 'sslmode') return setStep({ kind: 'sslmode', editing: true });
    setStep({ kind: 'field', field: choice, editing: true });
  };

  const body = (() => {
    switch (step.kind) {
      case 'pick':
        return (
          <EnvironmentPicker
            choices={choices}
            theme={theme}
            onPick={(name) => {
              setEnvironment(name);
              setStep({ kind: 'field', field: 'host', editing: false });
            }}
          />
        );
      case 'field': {
        const { field, editing } = step;
        const fallback = field === 'password' ? undefined : editing ? undefined : String(defaults![field]);
        return (
          <FieldPrompt
            key={`${field}-${menus}`}
            label={LABELS[field]}
            fallback={fallback}
            initial={editing && field !== 'password' ? answers[field] : ''}
            secret={field === 'password'}
            hint={field === 'password' ? 'typed as *; kept in the OS keyring or ~/.pgpass, never in the settings file. Enter alone: no password' : undefined}
            theme={theme}
            validate={(value) => validateField(field, value)}
            onSubmit={(value) => answerText(field, value, editing)}
          />
        );
      }
      case 'sslmode':
        return (
          <SslmodePicker
            key={`sslmode-${menus}`}
            current={sslmode ?? defaults!.sslmode}
            theme={theme}
            onPick={(mode) => {
              setSslmode(mode);
              // The first time, the answers are complete: test them right away.
              if (step.editing) openMenu('retry');
              else void test(fields(mode));
            }}
          />
        );
      case 'testing':
      case 'saving':
        return <Text color={theme.muted}>{step.kind === 'testing' ? `Testing the connection to ${answers.user}@${answers.host}:${answers.port}/${answers.database} ...` : 'Saving ...'}</Text>;
      case 'menu':
        return <FailureMenu key={menus} failure={step.failure} suggested={step.suggested} theme={theme} onChoose={choose} />;
      case 'ended':
        return step.outcome.status === 'saved'
          ? <SavedSummary environment={step.outcome.environment} saved={step.outcome.saved} theme={theme} />
          : <Text color={theme.warning}>Cancelled: nothing was saved.</Text>;
    }
  })();

  return (
    <Box flexDirection="column">
      <Text bold color={theme.accent}>data setup{environment ? ` · environment ${environment}` : ''}</Text>
      <AnswersSummary answers={{ ...answers, ...(password.current !== undefined ? { password: password.current !== '' } : {}), ...(sslmode ? { sslmode } : {}) }} theme={theme} />
      {body}
      {step.kind !== 'ended' ? <Text color={theme.muted}>Esc or Ctrl-C cancels; nothing is saved until the connection works.</Text> : null}
    </Box>
  );
}

function SavedSummary({ environment, saved, theme }: { environment: string; saved: SavedProfile; theme: Theme }) {
  const { profile } = saved;
  return (
    <Box flexDirection="column">
      <Text color={theme.success}>✓ Connected. Saved the profile of {environment}: {describeProfile(profile)} (sslmode {profile.sslmode})</Text>
      <Text>  settings  {saved.settingsFile}</Text>
      <Text>  password  {saved.passwordLocation ?? 'none (the server did not need one)'}</Text>
      {saved.notes.map((note) => (
        <Text key={note} color={theme.warning}>  note: {note}</Text>
      ))}
    </Box>
  );
}
