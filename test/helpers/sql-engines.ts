// Real SQL engines for the equivalence tests of `leadscore sql`: embedded DuckDB (@duckdb/node-api)
// and a throw-away PostgreSQL 15 cluster (initdb + pg_ctl on a Unix socket in a temp folder, run as
// `nobody` when the tests run as root), plus the reference: `score` on the same files.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCsv } from '../../src/io/csv-reader.js';
import { runScore } from '../../src/cli/ports.js';
import type { Model } from '../../src/core/model/types.js';
import type { DialectName } from '../../src/core/sql/dialect.js';
import { parseTimestamp } from '../../src/core/value.js';

/** A table as the tests load it: every column text, plus `source_line` (the CSV line: the row order). */
export interface Table {
  name: string;
  header: string[];
  rows: string[][];
  lines: number[];
}

export async function readTable(path: string, name: string): Promise<Table> {
  const f = await openCsv(path, {});
  const rows: string[][] = [];
  const lines: number[] = [];
  for await (const batch of f.batches(() => undefined)) {
    for (const r of batch) {
      rows.push(f.header.map((_, i) => r.fields[i] ?? ''));
      lines.push(r.line);
    }
  }
  return { name, header: f.header, rows, lines };
}

export interface Engine {
  name: 'duckdb' | 'postgres';
  load(tables: readonly Table[]): Promise<void>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const q = (s: string) => '"' + s.replace(/"/g, '""') + '"';

export async function duckdbEngine(): Promise<Engine> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  return {
    name: 'duckdb',
    async load(tables) {
      for (const t of tables) {
        await con.run(`DROP TABLE IF EXISTS ${q(t.name)}`);
        await con.run(`CREATE TABLE ${q(t.name)} (${[...t.header.map((h) => `${q(h)} VARCHAR`), 'source_line INTEGER'].join(', ')})`);
        const app = await con.createAppender(t.name);
        t.rows.forEach((r, i) => {
          for (const c of r) app.appendVarchar(c);
          app.appendInteger(t.lines[i]!);
          app.endRow();
        });
        app.closeSync();
      }
    },
    async query(sql) {
      const reader = await con.runAndReadAll(sql);
      return reader.getRowObjectsJson() as Record<string, unknown>[];
    },
    async close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/** The PostgreSQL 15 binaries (Debian's postgresql-15), or undefined when not installed. */
export function postgresBin(): string | undefined {
  for (const dir of ['/usr/lib/postgresql/15/bin']) if (existsSync(join(dir, 'initdb'))) return dir;
  return undefined;
}

/** A throw-away cluster: initdb in a temp folder, pg_ctl start on a Unix socket there; stop() removes it. */
export async function postgresEngine(): Promise<Engine> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL 15 is not installed (apt-get install postgresql-15)');
  const dir = mkdtempSync(join(tmpdir(), 'leadscore-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    if (asRoot) execFileSync('runuser', ['-u', 'nobody', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
    else execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  };
  if (asRoot) chownSync(dir, 65534, 65534);
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  run('pg_ctl', ['-D', data, '-w', '-s', '-l', join(dir, 'log'), '-o', `-k ${dir} -c listen_addresses='' -c fsync=off -c max_parallel_workers_per_gather=0`, 'start']);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ host: dir, user: 'postgres', database: 'postgres' });
  try {
    await client.connect();
  } catch (e) {
    run('pg_ctl', ['-D', data, '-m', 'immediate', '-s', 'stop']);
    throw e;
  }
  return {
    name: 'postgres',
    async load(tables) {
      for (const t of tables) {
        await client.query(`DROP TABLE IF EXISTS ${q(t.name)}`);
        await client.query(`CREATE TABLE ${q(t.name)} (${[...t.header.map((h) => `${q(h)} TEXT`), 'source_line INTEGER'].join(', ')})`);
        const width = t.header.length + 1;
        const per = Math.max(1, Math.floor(30000 / width));
        for (let i = 0; i < t.rows.length; i += per) {
          const chunk = t.rows.slice(i, i + per);
          const params: unknown[] = [];
          const tuples = chunk.map((r, j) => {
            const ph = [...r, String(t.lines[i + j])].map((c) => {
              params.push(c);
              return `$${params.length}`;
            });
            ph[ph.length - 1] += '::integer';
            return `(${ph.join(', ')})`;
          });
          await client.query(`INSERT INTO ${q(t.name)} VALUES ${tuples.join(', ')}`, params);
        }
      }
    },
    async query(sql) {
      const res = await client.query({ text: sql, types: { getTypeParser: () => (v: string) => v } });
      return res.rows as Record<string, unknown>[];
    },
    async close() {
      await client.end().catch(() => undefined);
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-s', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** What `score` writes for a lead, plus its unrounded score, fit and engagement. */
export interface ScoredRow {
  cells: Record<string, string>;
  score: number;
  fit: number;
  engagement: number;
}

export async function scoreReference(model: Model, leads: string, activities: string[], asOf: string): Promise<{ rows: Map<string, ScoredRow>; order: string[] }> {
  const out = mkdtempSync(join(tmpdir(), 'leadscore-sqlref-'));
  // the lead's cells -> its ids (in input order) and exact values: scored.csv rows are matched by their cells
  const byCells = new Map<string, { id: string; score: number; fit: number; engagement: number }[]>();
  try {
    await runScore({
      model,
      modelPath: 'model.yaml',
      modelSha256: '',
      leads,
      activities,
      outDir: out,
      asOfMs: parseTimestamp(asOf),
      version: 'test',
      formats: new Set(['json']),
      formulaGuard: false,
      onScored: ({ id, row, lead }) => {
        const key = row.join('\x1f');
        const list = byCells.get(key) ?? [];
        list.push({ id, score: lead.score, fit: lead.fit, engagement: lead.engagement });
        byCells.set(key, list);
      },
    });
    const leadHeader = (await openCsv(leads, {})).header;
    const f = await openCsv(join(out, 'scored.csv'), {});
    const rows = new Map<string, ScoredRow>();
    const order: string[] = [];
    for await (const batch of f.batches(() => undefined)) {
      for (const r of batch) {
        const cells: Record<string, string> = {};
        f.header.forEach((h, i) => (cells[h] = r.fields[i] ?? ''));
        const key = leadHeader.map((_, i) => r.fields[i] ?? '').join('\x1f');
        const ex = byCells.get(key)?.shift();
        if (!ex) throw new Error(`scored.csv row not seen by onScored: ${key}`);
        rows.set(ex.id, { cells, score: ex.score, fit: ex.fit, engagement: ex.engagement });
        order.push(ex.id);
      }
    }
    return { rows, order };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Lead-by-lead differences between the SQL result and score's outputs (empty when they agree). */
export function differences(model: Model, sqlRows: Record<string, unknown>[], ref: { rows: Map<string, ScoredRow>; order: string[] }, max = 20): string[] {
  const out: string[] = [];
  const idCol = model.input.leads.id === '$row' ? 'row_number' : model.input.leads.id.trim();
  const seen = new Set<string>();
  if (sqlRows.length !== ref.rows.size) out.push(`row count: sql ${sqlRows.length}, score ${ref.rows.size}`);
  for (const r of sqlRows) {
    if (out.length >= max) break;
    const id = cell(r[idCol]);
    seen.add(id);
    const s = ref.rows.get(id);
    if (!s) {
      out.push(`lead ${id}: in the SQL result, not scored by score`);
      continue;
    }
    const near = (name: string, a: unknown, b: number) => {
      const x = Number(a);
      if (!(Math.abs(x - b) <= 1e-6)) out.push(`lead ${id}: ${name} sql ${x} score ${b}`);
    };
    near('score (unrounded)', r.score_unrounded, s.score);
    near('fit (unrounded)', r.fit_unrounded, s.fit);
    near('engagement (unrounded)', r.engagement_unrounded, s.engagement);
    const cols = ['rank', 'score', 'band', 'grade', 'fit', 'engagement', 'flags', 'reasons', ...Object.keys(s.cells).filter((k) => k.startsWith('interest_')), ...(model.segments?.length ? ['segment'] : [])];
    for (const c of cols) {
      const a = cell(r[c]);
      const b = s.cells[c] ?? '';
      if (a !== b) out.push(`lead ${id}: ${c} sql ${JSON.stringify(a)} score ${JSON.stringify(b)}`);
    }
  }
  for (const id of ref.order) if (!seen.has(id) && out.length < max) out.push(`lead ${id}: scored by score, not in the SQL result`);
  return out;
}

/** The node-sql-parser grammar of a dialect (Spark SQL is parsed with the Hive grammar). */
export const PARSER_DB: Partial<Record<DialectName, string>> = { bigquery: 'bigquery', snowflake: 'snowflake', spark: 'hive' };

export async function parseSql(dialect: DialectName, sql: string): Promise<void> {
  const db = PARSER_DB[dialect]!;
  const mod = (await import(`node-sql-parser/build/${db}.js`)) as { default?: { Parser: new () => { astify(s: string, o: object): unknown } }; Parser?: new () => { astify(s: string, o: object): unknown } };
  const P = mod.Parser ?? mod.default!.Parser;
  new P().astify(sql, { database: db });
}

