import { createInterface } from 'node:readline/promises';
import type { Interaction } from '../engine/context.js';

/** Questions on stderr, answers from stdin: for commands run in a terminal. */
export function terminalInteraction(input: NodeJS.ReadStream, output: NodeJS.WriteStream): Interaction {
  const ask = async (question: string) => {
    const reader = createInterface({ input, output, terminal: Boolean(input.isTTY) });
    try {
      return (await reader.question(question)).trim();
    } finally {
      reader.close();
    }
  };
  return {
    interactive: true,
    confirm: async (question) => /^y(es)?$/i.test(await ask(`${question} [y/N] `)),
    typeToConfirm: async (prompt, expected) => (await ask(`${prompt}: `)) === expected,
  };
}
