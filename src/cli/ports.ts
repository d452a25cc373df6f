// The Node implementations of the use cases' ports (src/app/ports.ts), wired for the commands (and the
// tests that run a use case as a command would). Commands import this lazily.
import { nodeInputFiles } from '../io/inputs.js';
import { scoringEnv } from '../io/disposable.js';
import type { Clock } from '../app/ports.js';
import type { ExplainPorts } from '../app/explain.js';
import type { EvaluatePorts } from '../app/evaluate.js';

export const systemClock: Clock = { now: () => Date.now() };

export function explainPorts(): ExplainPorts {
  return { inputs: nodeInputFiles, env: scoringEnv };
}

export async function evaluatePorts(): Promise<EvaluatePorts> {
  const { runScore } = await import('../io/score-run.js');
  const { OutputSet } = await import('../io/output.js');
  return {
    inputs: nodeInputFiles,
    score: (o) => runScore(o),
    outputs: (dir) => OutputSet.create(dir),
    // vega loads only when an HTML report is written
    evaluationHtml: async (e) => (await import('../io/html/evaluation.js')).renderEvaluationHtml(e),
    clock: systemClock,
  };
}
