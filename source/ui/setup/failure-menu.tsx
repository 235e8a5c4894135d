import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { SetupField } from '../../engine/setup.js';
import type { Theme } from '../theme.js';

export type MenuChoice = 'retry' | 'cancel' | SetupField;

const CHOICES: Array<{ value: MenuChoice; label: string }> = [
  { value: 'retry', label: 'Test the connection again' },
  { value: 'host', label: 'Edit host' },
  { value: 'port', label: 'Edit port' },
  { value: 'database', label: 'Edit database' },
  { value: 'user', label: 'Edit user' },
  { value: 'password', label: 'Edit password' },
  { value: 'sslmode', label: 'Edit sslmode' },
  { value: 'cancel', label: 'Cancel (nothing is saved)' },
];

export interface FailureMenuProps {
  /** What failed and what to fix; absent after an edit. */
  failure?: { message: string; fix: string };
  /** The choice that comes highlighted. */
  suggested: MenuChoice;
  theme: Theme;
  onChoose(choice: MenuChoice): void;
}

/** After a failed test: what to fix, then edit an answer, try again or cancel. */
export function FailureMenu({ failure, suggested, theme, onChoose }: FailureMenuProps) {
  return (
    <Box flexDirection="column">
      {failure ? (
        <Box flexDirection="column" marginBottom={1}>
          <Text color={theme.danger}>✗ {failure.message}</Text>
          <Text color={theme.warning}>  fix: {failure.fix}</Text>
        </Box>
      ) : null}
      <SelectInput items={CHOICES.map((choice) => ({ ...choice, key: choice.value }))} initialIndex={Math.max(0, CHOICES.findIndex((choice) => choice.value === suggested))} onSelect={(item) => onChoose(item.value)} />
    </Box>
  );
}
