// The Node implementations of the use cases' ports (src/app/ports.ts), wired for the commands (and the
// tests that run a use case as a command would). Commands import this lazily.
import { nodeInputFiles } from '../io/inputs.js';
import { scoringEnv } from '../io/disposable.js';
import type { Clock } from '../app/ports.js';
import type { ExplainPorts } from '../app/explain.js';
import type { EvaluatePorts } from '../app/evaluate.js';
import type { TrainPorts } from '../app/train.js';
import type { InitPorts } from '../app/init.js';
import type { ScorePorts, ScoreResult } from '../app/score.js';
import type { ScoreRunOptions } from '../io/score-run.js';

export const systemClock: Clock = { now: () => Date.now() };

export function explainPorts(): ExplainPorts {
  return { inputs: nodeInputFiles, env: scoringEnv };
}

export async function evaluatePorts(): Promise<EvaluatePorts> {
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

export async function trainPorts(): Promise<TrainPorts> {
  const { ReplacingFile, stdoutFile } = await import('../io/output.js');
  const { trainedModelYaml } = await import('../io/trained-model-yaml.js');
  return {
    inputs: nodeInputFiles,
    replacing: (path) => ReplacingFile.open(path),
    stdout: async (text) => {
      const s = stdoutFile();
      s.write(text);
      await s.end();
    },
    modelYaml: trainedModelYaml,
    clock: systemClock,
  };
}

export async function initPorts(): Promise<InitPorts> {
  const { readSample } = await import('../io/init-sample.js');
  const { loadModelText } = await import('../io/model-file.js');
  const { writeReplacing } = await import('../io/output.js');
  return {
    inputs: nodeInputFiles,
    sample: readSample,
    readModel: loadModelText,
    replace: (path, text) => writeReplacing(path, text),
  };
}

/** The score use case's ports on Node (io/score-run.ts); `o.outputFs` is the filesystem of the outputs. */
export async function scorePorts(): Promise<ScorePorts> {
  const { openScoreRun, FallBack } = await import('../io/score-run.js');
  const { runFailure } = await import('../io/output.js');
  const { InputCopies } = await import('../io/input-copies.js');
  const referenceOnly = !!process.env.LEADSCORE_REFERENCE;
  // stdin and files not in UTF-8, copied once for both attempts of the run (io/input-copies.ts)
  let copies: InstanceType<typeof InputCopies> | undefined;
  return {
    open: (o: ScoreRunOptions, fast) => {
      if (!referenceOnly && o.outDir !== undefined) copies ??= new InputCopies(o.outDir);
      return openScoreRun(copies ? { ...o, copies } : o, fast);
    },
    finish: async () => copies?.remove(),
    fallBack: (e) => (e instanceof FallBack ? e.message : undefined),
    failure: runFailure,
    // vega loads only when an HTML report is written
    summaryHtml: async (s) => (await import('../io/html/summary.js')).renderSummaryHtml(s),
    clock: systemClock,
    referenceOnly,
  };
}

/** A score run as the score command makes it (app/score.ts over the Node ports); tests use it too. */
export async function runScore(o: ScoreRunOptions): Promise<ScoreResult> {
  const { scoreLeads } = await import('../app/score.js');
  return scoreLeads(await scorePorts(), o);
}

export type { ScoreResult as ScoreRunResult };
