import { Text } from 'ink';
import { fit } from '../text.js';

export interface LineProps {
  text: string;
  width: number;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

/** One row of text, cut to the width: the building block of every pane. */
export function Line({ text, width, color, bold, dim, inverse }: LineProps) {
  return (
    <Text color={color} bold={bold} dimColor={dim} inverse={inverse} wrap="truncate-end">
      {fit(text, width) || ' '}
    </Text>
  );
}
