import { Box, Text } from 'ink';
import type { Theme } from '../theme.js';

export interface Answers {
  host?: string;
  port?: string;
  database?: string;
  user?: string;
  /** Only whether there is one: the password itself is never drawn. */
  password?: boolean;
  sslmode?: string;
}

const ROWS: Array<keyof Answers> = ['host', 'port', 'database', 'user', 'password', 'sslmode'];

/** The answers given so far, one per row; the password as stars of a fixed length. */
export function AnswersSummary({ answers, theme }: { answers: Answers; theme: Theme }) {
  const rows = ROWS.filter((row) => answers[row] !== undefined);
  if (rows.length === 0) return null;
  return (
    <Box flexDirection="column" marginBottom={1}>
      {rows.map((row) => (
        <Text key={row}>
          <Text color={theme.muted}>{`  ${row.padEnd(9)} `}</Text>
          {row === 'password' ? (answers.password ? '********' : '(none)') : String(answers[row])}
        </Text>
      ))}
    </Box>
  );
}
