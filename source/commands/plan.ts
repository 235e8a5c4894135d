import type { Command } from 'commander';
import type { Blocker } from '../engine/safety.js';
import { table } from './output.js';
import { renderSafety } from './safety-text.js';
import { execute } from './run.js';

/** The exit code deploy would end with: 3 for a prime directive refusal, 1 for lint errors and failed checks. */
const blockersExitCode = (blockers: Blocker[]) => (blockers.some((blocker) => blocker.exitCode === 3) ? 3 : 1);

export function registerPlan(program: Command) {
  program
    .command('plan <env>')
    .description('what deploy would do: the pending migrations, lint, live checks, the prime directive, risk and warnings')
    .option('--allow-drift', 'plan as `deploy --allow-drift` would run: drift does not refuse')
    .option('--json', 'print the plan as JSON')
    .action((env: string, options: { allowDrift?: boolean }, command: Command) =>
      execute(command, async (context, output) => {
        const { DRIFT_FIX, planJson } = await import('../engine/plan.js');
        const { reviewDeployment, safetyJson } = await import('../engine/safety.js');
        const { plan, safety } = await reviewDeployment(context, env);
        const json = planJson(plan);
        // deploy refuses drift before anything else, with exit 3, even with nothing pending.
        const drifted = plan.drift.length > 0 && !options.allowDrift;
        const exitCode = drifted ? 3 : safety.blockers.length ? blockersExitCode(safety.blockers) : 0;
        const driftBlocker = {
          rule: 'drift',
          message: `${plan.drift.length} applied migration(s) of ${env} changed or vanished since they were deployed`,
          fix: DRIFT_FIX,
        };
        if (output.json) {
          output.printJson({ ...json, safety: safetyJson(safety) });
          return exitCode;
        }
        if (json.pending.length === 0) output.print(`${env}: nothing to deploy (${json.applied.length} applied)`);
        else {
          output.print(`${env}: ${json.pending.length} pending migration(s), ${json.applied.length} applied\n`);
          output.print(table([
            ['VERSION', 'NAME', 'STATEMENTS', 'TRANSACTION', 'DOWN FILE'],
            ...json.pending.map((m) => [m.version, m.name, String(m.statements), m.noTransaction ? 'no (runs alone)' : 'yes', m.reversible ? 'yes' : 'no']),
          ]));
        }
        for (const drift of plan.drift) output.print(`drift in ${drift.version}: ${drift.reason}`);
        if (plan.drift.length > 0) output.say('drift.found', { env, count: plan.drift.length }, env);
        if (json.pending.length === 0) {
          if (drifted) output.print(`verdict: deploy would be REFUSED: ${driftBlocker.message}\n  fix: ${driftBlocker.fix}`);
          else output.say('nothing_to_deploy', { env }, env);
          return exitCode;
        }
        output.print(`\n${renderSafety(safety, drifted ? [driftBlocker] : [])}`);
        const risky = exitCode !== 0 || safety.risk.level === 'high' || safety.risk.level === 'critical';
        output.say(risky ? 'plan.risky' : 'plan.safe', { env, count: json.pending.length, level: safety.risk.level }, safety.planHash);
        return exitCode;
      }),
    );
}
