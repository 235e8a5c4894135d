/**
 * Semantic colour tokens; components never name a raw colour. The persona
 * catalogues in themes/ will supply their own values for these tokens.
 */
export interface Theme {
  primary: string;
  accent: string;
  success: string;
  warning: string;
  danger: string;
  muted: string;
}

export const DEFAULT_THEME: Theme = {
  primary: 'cyan',
  accent: 'magenta',
  success: 'green',
  warning: 'yellow',
  danger: 'red',
  muted: 'gray',
};
