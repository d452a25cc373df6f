// The ports of the use cases (src/app): the small interfaces through which a use case reads input files,
// writes outputs, reads the clock and reports progress. src/io implements them with Node (csv-reader.ts,
// output.ts, inputs.ts); src/cli wires the implementations in and prints what the use case returns.
// Types only.
import type { CsvBadRow, CsvRow, KnownHeader } from '../core/csv/types.js';
import type { Model } from '../core/model/types.js';
import type { CompiledModel } from '../core/score/compiled.js';
import type { ScoredLead } from '../core/score/score-lead.js';
import type { AccountStats } from '../core/score/accounts.js';
import type { ChangesSummary } from '../core/report/changes.js';
import type { ActivityCounts, InputFacts, RunWarning, SummaryBuilder } from '../core/report/summary.js';

/** An input CSV, opened: its header, then its records in batches (io/csv-reader.ts). */
export interface RecordFile {
  path: string;
  delimiter: string;
  encoding: string;
  header: string[];
  /** The line the header is on (1 unless preamble lines come first). */
  headerLine: number;
  totalBytes?: number;
  /** Bytes consumed from the file or stdin so far (compressed bytes for gzip). */
  bytesRead(): number;
  /** The records in batches; a malformed record goes to `onBadRow` instead (it becomes a reject). */
  batches(onBadRow: (bad: CsvBadRow) => void): AsyncIterable<CsvRow[]>;
  blankLines(): number;
  /** A record's text split into cells with this file's delimiter and header width. */
  split(raw: string): string[];
  /** The header as readers of byte ranges of this file need it. */
  knownHeader(): KnownHeader;
  /** Release the file when its records will not be read. */
  close(): void;
}

/** How to read input files: the delimiter and encoding given on the command line (detected when absent). */
export interface ReadOptions {
  delimiter?: string;
  encoding?: string;
}

/** Opens input files; a file that cannot be opened is an InputError (app/errors.ts) naming its role. */
export interface InputFiles {
  open(path: string, role: string, o: ReadOptions): Promise<RecordFile>;
}

/** One output file being written; `write` returns a promise only when the caller must wait (back-pressure). */
export interface OutputFile {
  write(text: string): Promise<void> | void;
}

/** One file replaced by a single rename once written, or left as it was (io/replacing-file.ts: ReplacingFile). */
export interface ReplacingOutput extends OutputFile {
  /** Replace the file with what was written. */
  commit(): Promise<void>;
  /** Drop what was written; the file stays as it was. */
  abort(): Promise<void>;
}

/** Output files written together and published as one set, or not at all (io/output-set.ts: OutputSet). */
export interface OutputSetPort {
  file(name: string): OutputFile;
  /** Publish every file at once. */
  commit(): Promise<void>;
  /** Drop every file; the previous outputs stay as they were. */
  abort(): Promise<void>;
}

/** The time a use case starts from (run records, durations, `--as-of` left out). */
export interface Clock {
  now(): number;
}

/** How far the reading of an input has got. */
export interface InputProgress {
  file: string;
  bytesRead: number;
  totalBytes?: number;
  rows: number;
}

/** What a use case reports while it runs; the command draws it (a progress bar, JSON events, nothing). */
export interface RunEvents {
  /** Input read so far. */
  progress?(p: InputProgress): void;
  /** The end of a phase, with the time since the start (LEADSCORE_PHASES=1 prints them). */
  phase?(name: string, elapsedMs: number): void;
  /** A note for the user (on stderr, unless --quiet). */
  note?(text: string): void;
}

/** What a score run is asked (the score command; evaluate without outputs): app/score.ts. */
export interface ScoreRequest {
  model: Model;
  modelPath: string;
  modelSha256: string;
  /**
   * The lead files (concatenated, in this order; the same columns in each), or none: the leads are then
   * the distinct lead ids of the activities (docs/input.md#leads-from-activities).
   */
  leads: string | string[];
  activities: string[];
  /** Where outputs go; without it nothing is written (evaluate, explain use the scores only). */
  outDir?: string;
  asOfMs: number;
  version: string;
  command?: string;
  delimiter?: string;
  encoding?: string;
  strict?: boolean;
  maxRejectRate?: number;
  formulaGuard?: boolean;
  /** Which report formats to write (default all three: summary.md, summary.json, summary.html). */
  formats?: ReadonlySet<'md' | 'json' | 'html'>;
  /** Yesterday's scored.csv: adds previous_score, previous_band, change and crossed.csv. */
  previous?: string;
  /** The hand-off band for crossed.csv (that band or higher); default MQL when the model has it. */
  handoffBand?: string;
  /**
   * Called for every scored lead, in input order, before ranking: its id, its cells (as in the leads
   * file), and the score with every rule that matched. `lead` is only valid during the call.
   */
  onScored?: (scored: { index: number; id: string; row: readonly string[]; lead: ScoredLead; cm: CompiledModel }) => void;
  /** Called at the end of each phase (leads, activities, score, sort, write) with the time since the start. */
  onPhase?: (name: string, elapsedMs: number) => void;
  /** Called as input is read: which file, bytes consumed, total bytes when known, rows so far. */
  onProgress?: (p: InputProgress) => void;
}

/** What the phases of a score run found, for the run record (summary.json) and the run warnings. */
export interface ScoreRunFacts {
  summary: SummaryBuilder;
  activities: ActivityCounts;
  unknownTypes: Map<string, number>;
  changes?: ChangesSummary;
  accounts?: AccountStats;
  inputs: InputFacts[];
  /** No lead files: the leads are the activities' distinct lead ids. */
  leadsDerived?: { idColumn: string; leads: number };
  /** Warnings found on the way (a rule's column missing from a file). */
  warnings: RunWarning[];
  /** The newest timestamp of the activities read (LS171), -Infinity when none. */
  newestActivityMs: number;
  /** The output files the phases wrote (scored.csv, the band files, accounts.csv, crossed.csv, rejects.csv). */
  files: string[];
}

/**
 * One score run over opened inputs, phase by phase (io/score-run.ts: the reference path, or the fast
 * path from bytes); every output goes into `outputs`, published by the use case's commit.
 */
export interface ScorePhases {
  readonly outputs: OutputSetPort;
  leads(): Promise<void>;
  activities(): Promise<void>;
  score(): Promise<void>;
  sort(): void;
  write(): Promise<void>;
  facts(): Promise<ScoreRunFacts>;
  /** After a failure: stop the worker threads still folding. */
  stop(): void;
}
