import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import { SSL_MODES, type SslMode } from '../../adapters/postgres.js';
import type { Theme } from '../theme.js';

const MEANING: Record<SslMode, string> = {
  disable: 'never SSL',
  allow: 'without SSL, with SSL if the server insists',
  prefer: "SSL when the server offers it, else without (libpq's default)",
  require: 'always SSL, the certificate is not checked',
  'verify-ca': 'always SSL, the certificate must be signed by a trusted CA',
  'verify-full': 'always SSL, the certificate must be trusted and name the host',
};

export interface SslmodePickerProps {
  current: SslMode;
  theme: Theme;
  onPick(sslmode: SslMode): void;
}

/** libpq's sslmode, each with what it means. */
export function SslmodePicker({ current, theme, onPick }: SslmodePickerProps) {
  const items = SSL_MODES.map((mode) => ({ key: mode, label: `${mode.padEnd(11)}  ${MEANING[mode]}`, value: mode }));
  return (
    <Box flexDirection="column">
      <Text bold color={theme.primary}>sslmode</Text>
      <SelectInput items={items} initialIndex={SSL_MODES.indexOf(current)} onSelect={(item) => onPick(item.value)} />
    </Box>
  );
}
