import { render } from 'ink';
import { SetupFlow, type SetupFlowProps, type SetupOutcome } from './setup-flow.js';

export interface PromptStreams {
  stdin: NodeJS.ReadStream;
  /** Where the prompts are drawn: stderr for commands, so stdout keeps only results. */
  stdout: NodeJS.WriteStream;
}

/** The setup prompts as a promise: resolves with the outcome once its last frame is drawn, then unmounts. Ctrl-C cancels like Esc. */
export function runSetupPrompt(props: Omit<SetupFlowProps, 'onDone'>, streams: PromptStreams): Promise<SetupOutcome> {
  return new Promise((resolve, reject) => {
    let outcome: SetupOutcome = { status: 'cancelled', environment: props.environment };
    const instance = render(
      <SetupFlow
        {...props}
        onDone={(result) => {
          outcome = result;
          // Unmounted on the next tick, so Ink draws the outcome as the final frame.
          setImmediate(() => instance.unmount());
        }}
      />,
      { stdin: streams.stdin, stdout: streams.stdout, stderr: streams.stdout, exitOnCtrlC: false, patchConsole: false },
    );
    instance.waitUntilExit().then(() => resolve(outcome), reject);
  });
}
