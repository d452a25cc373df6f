// BigQuery, Snowflake and Spark output is checked by a SQL parser that knows those dialects
// (node-sql-parser: bigquery, snowflake, hive for Spark SQL), and every dialect has a golden file for
// one model (test/fixtures/sql/b2b-warehouse.yaml, which all five compile). Regenerate the goldens
// after an intended change with UPDATE_GOLDEN=1 and review the diff.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFile } from '../../src/io/model-file.js';
import { disposableDomainList } from '../../src/io/disposable.js';
import { compileSql } from '../../src/core/sql/compile-sql.js';
import { DIALECTS, type DialectName } from '../../src/core/sql/dialect.js';
import type { Model } from '../../src/core/model/types.js';
import { parseSql } from '../helpers/sql-engines.js';

const root = join(import.meta.dirname, '..', '..');
const GOLDEN_MODEL = 'test/fixtures/sql/b2b-warehouse.yaml';

async function golden(): Promise<Model> {
  const r = (await loadModelFile(join(root, GOLDEN_MODEL))).result;
  if (!r.value) throw new Error(r.errors.map((e) => e.code).join(', '));
  return r.value;
}

function compile(model: Model, dialect: DialectName, extra: object = {}): string {
  const r = compileSql(model, { dialect, asOf: { kind: 'ms', ms: Date.parse('2026-11-01T00:00:00Z') }, disposableDomains: ['mailinator.com', 'guerrillamail.com', 'yopmail.com'], orderBy: 'loaded_at', banner: [`golden: ${GOLDEN_MODEL}, as-of 2026-11-01`], ...extra });
  expect(r.errors).toEqual([]);
  return r.value!;
}

describe('golden file per dialect', () => {
  for (const dialect of DIALECTS) {
    it(`${dialect}: the query for ${GOLDEN_MODEL} is the reviewed one`, async () => {
      const sql = compile(await golden(), dialect);
      const file = join(root, 'test/fixtures/sql', `b2b-warehouse.${dialect}.sql`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, sql);
      expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(sql).toBe(readFileSync(file, 'utf8'));
    });
  }
});

describe('BigQuery, Snowflake and Spark output parses in their grammar', () => {
  for (const dialect of ['bigquery', 'snowflake', 'spark'] as const) {
    it(`${dialect}: the golden model, with as-of now, 2000 disposable domains inline, two activity tables; and a domains table`, async () => {
      const model = await golden();
      await parseSql(dialect, compile(model, dialect));
      await parseSql(dialect, compile(model, dialect, { asOf: { kind: 'now' }, activities: ['events_web', 'events_mail'], disposableDomains: disposableDomainList().slice(0, 2000), unrounded: true }));
      await parseSql(dialect, compile(model, dialect, { domainsTable: 'ref.disposable_domains' }));
    });
    it(`${dialect}: a parser error is caught (the check can fail)`, async () => {
      await expect(parseSql(dialect, compile(await golden(), dialect).replace('SELECT', 'SELEC'))).rejects.toThrow();
    });
  }
});
