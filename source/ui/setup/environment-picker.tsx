import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { SetupChoice } from '../../engine/setup.js';
import type { Theme } from '../theme.js';

export interface EnvironmentPickerProps {
  choices: SetupChoice[];
  theme: Theme;
  onPick(environment: string): void;
}

/** The environments of data.config.yaml; the first one without a connection comes highlighted. */
export function EnvironmentPicker({ choices, theme, onPick }: EnvironmentPickerProps) {
  const width = Math.max(...choices.map((choice) => choice.name.length));
  const items = choices.map((choice) => ({ key: choice.name, label: `${choice.name.padEnd(width)}  ${choice.description}`, value: choice.name }));
  const first = Math.max(0, choices.findIndex((choice) => choice.connection === 'none'));
  return (
    <Box flexDirection="column">
      <Text bold color={theme.primary}>Which environment?</Text>
      <SelectInput items={items} initialIndex={first} onSelect={(item) => onPick(item.value)} />
    </Box>
  );
}
