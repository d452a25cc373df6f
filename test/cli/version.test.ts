// `leadscore --version` and the run record's version are package.json's version.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { leadscore, ROOT } from '../helpers/cli.js';

describe('version', () => {
  it('--version prints the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
    const r = leadscore(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});
