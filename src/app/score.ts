// The use case behind `leadscore score` (PRODUCT.md §2, §3, §5), and the scores evaluate reads: the
// named phases of a run, in order, over the ScorePhases port (io/score-run.ts and the phase modules
// io/score-*.ts: Node files, worker threads, the fast path from bytes):
//   inputs      open the lead and activity files, check their columns, make the run folder (ports.open);
//   leads       stream the leads, reject rows without an id or with a repeated id, keep the records
//               compactly — memory grows with leads only (core/score/lead-intake.ts);
//   activities  fold each activity file once into per-lead aggregates (core/score/activity-fold.ts);
//   score       score every lead against the compiled model and its aggregates (core/score/score-lead.ts);
//   sort, write rank the scored leads and write every output into the run's outputs;
//   report      the summary (core/report/summary.ts), the run warnings (core/report/warnings.ts; --strict
//               stops here), the reports, then one publish of the whole set (commit) — only when the
//               whole run has succeeded.
// A run is tried on the fast path first; when the inputs need the reference path (ports.fallBack), it
// starts again on it.
import { runWarnings } from '../core/report/warnings.js';
import { type RunWarning, type Summary, summaryToMarkdown } from '../core/report/summary.js';
import { InputError } from './errors.js';
import type { Clock, ScorePhases, ScoreRequest } from './ports.js';

export interface ScorePorts {
  /**
   * The inputs phase: opens the lead and activity files, checks their columns, then makes the outputs
   * (a run folder in outDir, or nothing without one). `fast`: the fast path may be taken.
   */
  open(o: ScoreRequest, fast: boolean): Promise<ScorePhases>;
  /** Why the fast path gave up on the inputs (the run starts again on the reference path), else undefined. */
  fallBack(e: unknown): string | undefined;
  /** A failure as the user sees it (a disk-full error from any writer is LS108, exit 3). */
  failure(e: unknown, outDir: string | undefined): unknown;
  /** summary.html (io/html/summary.ts). */
  summaryHtml(s: Summary): Promise<string>;
  clock: Clock;
  /** LEADSCORE_REFERENCE=1: the reference path only (tests compare the two byte for byte). */
  referenceOnly: boolean;
  /** The run is over, however it ended: release what the ports hold for it across attempts (copies of inputs). */
  finish?(): Promise<void>;
}

export interface ScoreResult {
  summary: Summary;
  /** Coded warnings of the run (also in summary.json), for the command to print. */
  warnings: RunWarning[];
  outDir?: string;
  files: string[];
}

const ALL_FORMATS: ReadonlySet<'md' | 'json' | 'html'> = new Set(['md', 'json', 'html']);

export async function scoreLeads(ports: ScorePorts, o: ScoreRequest): Promise<ScoreResult> {
  try {
    if (!ports.referenceOnly) {
      try {
        return await scoreOnce(ports, o, true);
      } catch (e) {
        const why = ports.fallBack(e);
        if (why === undefined) throw e;
        o.onPhase?.(why, 0);
      }
    }
    return await scoreOnce(ports, o, false);
  } finally {
    await ports.finish?.();
  }
}

async function scoreOnce(ports: ScorePorts, o: ScoreRequest, fast: boolean): Promise<ScoreResult> {
  const started = ports.clock.now();
  const run = await ports.open(o, fast);
  const phase = o.onPhase ? (name: string) => o.onPhase!(name, ports.clock.now() - started) : undefined;
  try {
    await run.leads();
    phase?.('leads');
    await run.activities();
    phase?.('activities');
    await run.score();
    phase?.('score');
    run.sort();
    phase?.('sort');
    await run.write();
    phase?.('write');
    const facts = await run.facts();
    const summary = facts.summary.build(
      {
        version: o.version,
        modelPath: o.modelPath,
        modelSha256: o.modelSha256,
        asOf: new Date(o.asOfMs).toISOString(),
        startedAt: new Date(started).toISOString(),
        durationMs: ports.clock.now() - started,
        inputs: facts.inputs,
        ...(o.command !== undefined ? { command: o.command } : {}),
        ...(facts.leadsDerived ? { leadsDerived: facts.leadsDerived } : {}),
        warnings: facts.warnings,
      },
      facts.activities,
      facts.unknownTypes,
      facts.changes,
      facts.accounts,
    );
    const warnings = facts.warnings;
    checkRunWarnings(o, summary, warnings, facts.newestActivityMs);
    const formats = o.formats ?? ALL_FORMATS;
    if (formats.has('json')) await run.outputs.file('summary.json').write(JSON.stringify(summary, null, 2) + '\n');
    if (formats.has('md')) await run.outputs.file('summary.md').write(summaryToMarkdown(summary));
    if (formats.has('html') && o.outDir !== undefined) await run.outputs.file('summary.html').write(await ports.summaryHtml(summary));
    await run.outputs.commit();
    const files = [...facts.files, ...(['md', 'json', 'html'] as const).filter((f) => formats.has(f)).map((f) => `summary.${f}`)];
    return { summary, warnings, ...(o.outDir !== undefined ? { outDir: o.outDir } : {}), files };
  } catch (e) {
    run.stop();
    await run.outputs.abort();
    throw ports.failure(e, o.outDir);
  }
}

/**
 * The run warnings (LS171–LS176): a run that succeeded but may be useless. Added to the summary and to
 * `warnings`; --strict stops the run on the first, before anything is published.
 */
function checkRunWarnings(o: ScoreRequest, summary: Summary, warnings: RunWarning[], newestActivityMs: number): void {
  const useless = runWarnings(summary, o.model, {
    activityInputs: o.activities.length,
    newestActivityMs: Number.isFinite(newestActivityMs) ? newestActivityMs : undefined,
    asOfMs: o.asOfMs,
  });
  if (!useless.length) return;
  warnings.push(...useless);
  summary.warnings = [...(summary.warnings ?? []), ...useless];
  if (o.strict) {
    const w = useless[0]!;
    const leadPaths = typeof o.leads === 'string' ? [o.leads] : o.leads;
    throw new InputError(w.code, `${w.message} (--strict: a run warning stops the run${useless.length > 1 ? `; ${useless.length - 1} more: ${useless.slice(1).map((x) => x.code).join(', ')}` : ''})`, leadPaths[0] ?? o.activities[0], undefined, w.hint);
  }
}
