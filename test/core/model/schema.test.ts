// schema/model.schema.json (for editors) against the validator, on every fixture: every model the
// validator accepts, the schema accepts; every model the validator rejects for its shape (unknown key,
// wrong type, missing key, unknown operator or value, bad version, malformed condition or rule form,
// empty list), the schema rejects too. Semantic checks (duplicate ids, overlapping ranges, band order,
// unsafe regular expressions, ...) are the validator's alone.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { loadModelText } from '../../../src/io/model-file.js';

const root = join(import.meta.dirname, '..', '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'schema', 'model.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const check = ajv.compile(schema);

const SHAPE = new Set(['LS004', 'LS010', 'LS011', 'LS012', 'LS013', 'LS014', 'LS015', 'LS016', 'LS017', 'LS018']);
/** YAML the schema cannot see as JSON (syntax errors, alias bombs, duplicate keys). */
const NOT_JSON = new Set(['LS001', 'LS002', 'LS005']);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}

const files = [
  ...yamlFiles(join(root, 'models')),
  ...yamlFiles(join(root, 'test', 'fixtures', 'invalid-models')),
  ...yamlFiles(join(root, 'test', 'fixtures', 'messy')),
];

describe('schema/model.schema.json agrees with the validator', () => {
  it('covers the bundled models and the invalid-model fixtures', () => {
    expect(files.filter((f) => f.includes('/models/')).length).toBeGreaterThanOrEqual(7);
    expect(files.filter((f) => f.includes('invalid-models')).length).toBeGreaterThanOrEqual(30);
  });

  let shapeCases = 0;
  it.each(files.map((f) => [f.slice(root.length + 1), f]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const { result } = loadModelText(text, file);
    const codes = new Set(result.errors.map((d) => d.code));
    if ([...codes].some((c) => NOT_JSON.has(c))) return;
    const json = parse(text, { maxAliasCount: 100 }) as unknown;
    const ok = check(json);
    if (result.errors.length === 0) {
      expect(ok, `the validator accepts it; the schema says: ${ajv.errorsText(check.errors)}`).toBe(true);
    } else if ([...codes].some((c) => SHAPE.has(c))) {
      shapeCases++;
      expect(ok, `the validator rejects its shape (${[...codes].join(', ')}); the schema accepts it`).toBe(false);
    }
  });

  it('met shape mistakes among the fixtures', () => expect(shapeCases).toBeGreaterThanOrEqual(15));
});
