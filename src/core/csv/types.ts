// The rows a CSV reader hands out, pure types shared by the tokenizer (core) and the byte side (io).

export interface KnownHeader {
  names: string[];
  delimiter: string;
  trailingDelimiter: boolean;
  firstLine: number;
}

export interface CsvRow {
  fields: string[];
  /** 1-based physical line where the record starts (the header is line 1). */
  line: number;
  /** The record's exact text without its line terminator. */
  raw: string;
}

export type CsvBadRowReason = 'wrong_field_count' | 'unbalanced_quote' | 'field_too_large';

export interface CsvBadRow {
  line: number;
  reason: CsvBadRowReason;
  message: string;
  /** The rejected text without its terminator (truncated with "…" for field_too_large lines that were skipped unbuffered). */
  raw: string;
}
