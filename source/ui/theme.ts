import type { ColorTokens } from '../domain/personas.js';

/**
 * Semantic colour tokens; components never name a raw colour. Each persona
 * in themes/ supplies its own values (`colors:`); the dashboard command
 * loads them and passes them in through DashboardContext.
 */
export type Theme = ColorTokens;

/** The data persona's colours (themes/data.yaml; a test keeps the two equal): plain mode and tests use them. */
export const DEFAULT_THEME: Theme = {
  primary: 'cyan',
  accent: 'magenta',
  success: 'green',
  warning: 'yellow',
  danger: 'red',
  muted: 'gray',
};
