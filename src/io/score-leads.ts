// Phase 1 of a score run, the leads: every lead file read in order, malformed rows, rows without an id
// and repeated ids rejected (core/score/lead-intake.ts), the kept records stored compactly
// (record-store.ts). On the fast path (bytes/fast-leads.ts) the one lead file is read as bytes instead.
import type { CsvBadRow, CsvFile } from './csv-reader.js';
import { RecordStore } from './record-store.js';
import type { Rejects } from './scored-writer.js';
import type { FastLeads } from './bytes/fast-leads.js';
import { LeadIntake } from '../core/score/lead-intake.js';
import type { SummaryBuilder } from '../core/report/summary.js';

export interface LeadsRead {
  intake: LeadIntake;
  /** The kept leads' records (empty on the fast path, which reads them again from the file). */
  raws: RecordStore;
  /** Rows read (data rows, bad ones too) and rejected, per lead file. */
  rowsOf: number[];
  rejectedOf: number[];
  leadRows: number;
}

export interface ReadLeadsOptions {
  files: CsvFile[];
  idName: string;
  /** The id column, or -1: leads are numbered by row ($row). */
  idIndex: number;
  /** The fast path's reader of the one lead file, when it is taken. */
  fast: FastLeads | undefined;
  summary: SummaryBuilder;
  rejects: Rejects;
  onProgress?: ((p: { file: string; bytesRead: number; totalBytes?: number; rows: number }) => void) | undefined;
}

export async function readLeads(o: ReadLeadsOptions): Promise<LeadsRead> {
  const { files, idIndex, fast, summary, rejects } = o;
  const intake = new LeadIntake(files.map((f) => f.path), o.idName);
  const raws = new RecordStore();
  let leadRows = 0;
  const rowsOf = files.map(() => 0);
  const rejectedOf = files.map(() => 0);
  let pendingBad: CsvBadRow[] = [];
  const onBad = (b: CsvBadRow) => pendingBad.push(b);
  const flushBad = async (source: string) => {
    for (const b of pendingBad) {
      await rejects.add(source, b.line, b.reason, b.message, b.raw);
      summary.addRejectedLead(b.reason);
    }
    const n = pendingBad.length;
    pendingBad = [];
    return n;
  };
  if (fast) {
    const only = files[0]!;
    only.close();
    await fast.read();
    let rejected = 0;
    for (const r of fast.rejects) {
      rejected++;
      summary.addRejectedLead(r.reason);
      await rejects.add(only.path, r.line, r.reason, r.detail, r.raw);
    }
    summary.blankLines += fast.blank;
    leadRows = fast.rows;
    rowsOf[0] = fast.rows;
    rejectedOf[0] = rejected;
    o.onProgress?.({ file: only.path, bytesRead: only.totalBytes ?? 0, ...(only.totalBytes !== undefined ? { totalBytes: only.totalBytes } : {}), rows: fast.rows });
    return { intake, raws, rowsOf, rejectedOf, leadRows };
  }
  for (let lf = 0; lf < files.length; lf++) {
    const file = files[lf]!;
    let rows = 0;
    let rejected = 0;
    for await (const batch of file.batches(onBad)) {
      rows += pendingBad.length;
      rejected += await flushBad(file.path);
      for (const r of batch) {
        rows++;
        const id = idIndex < 0 ? String(leadRows + rows) : (r.fields[idIndex] ?? '').trim();
        const no = intake.check(id);
        if (no) {
          rejected++;
          summary.addRejectedLead(no.reason);
          await rejects.add(file.path, r.line, no.reason, no.detail, r.raw);
          continue;
        }
        intake.keep(id, r.line, lf);
        raws.push(r.raw);
      }
      o.onProgress?.({ file: file.path, bytesRead: file.bytesRead(), ...(file.totalBytes !== undefined ? { totalBytes: file.totalBytes } : {}), rows });
    }
    rows += pendingBad.length;
    rejected += await flushBad(file.path);
    summary.blankLines += file.blankLines();
    leadRows += rows;
    rowsOf[lf] = rows;
    rejectedOf[lf] = rejected;
  }
  return { intake, raws, rowsOf, rejectedOf, leadRows };
}
