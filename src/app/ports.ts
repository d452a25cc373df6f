// The ports of the use cases (src/app): the small interfaces through which a use case reads input files,
// writes outputs, reads the clock and reports progress. src/io implements them with Node (csv-reader.ts,
// output.ts, inputs.ts); src/cli wires the implementations in and prints what the use case returns.
// Types only.
import type { CsvBadRow, CsvRow, KnownHeader } from '../core/csv/types.js';

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
