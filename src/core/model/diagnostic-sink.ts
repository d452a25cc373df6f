// Where validation reports: the diagnostics of a model, each with a code, a path and (with locate) a line.
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes.js';
import { formatPath, type ModelPath } from './paths.js';
import {
  type Diagnostic,
} from './types.js';

/** Position of a node of the model source; `part: 'key'` asks for the key of a mapping entry. */
export type Locate = (path: ModelPath, part?: 'key' | 'value') => { line: number; col: number } | undefined;

export interface ValidateOptions {
  file?: string;
  locate?: Locate;
}

// ---------------------------------------------------------------------------------------------------
// Diagnostics

export class DiagnosticSink {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  constructor(private readonly opts: ValidateOptions = {}) {}

  add(code: DiagnosticCode, path: ModelPath, message: string, hint?: string, part: 'key' | 'value' = 'value'): void {
    const severity = DIAGNOSTIC_CODES[code].severity;
    const d: Diagnostic = { code, severity, message };
    if (path.length) d.path = formatPath(path);
    if (this.opts.file !== undefined) d.file = this.opts.file;
    const pos = this.opts.locate?.(path, part);
    if (pos) {
      d.line = pos.line;
      d.col = pos.col;
    }
    if (hint) d.hint = hint;
    (severity === 'error' ? this.errors : this.warnings).push(d);
  }
}
