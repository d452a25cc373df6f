// The layering rules of scripts/check-imports.mjs (docs/architecture.md), run on small trees: each
// forbidden direction is reported with its file and line, and the allowed ones pass.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const script = join(__dirname, '../../scripts/check-imports.mjs');

function check(files: Record<string, string>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ls-layers-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const r = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ok = {
  'core/a.ts': 'export const a = 1;\n',
  'app/ports.ts': "import type { a } from '../core/a.js';\nexport interface Clock { now(): number }\n",
  'app/score.ts': "import { a } from '../core/a.js';\nimport type { Clock } from './ports.js';\nexport const run = (c: Clock) => c.now() + a;\n",
  'io/clock.ts': "import type { Clock } from '../app/ports.js';\nexport const clock: Clock = { now: () => Date.now() };\n",
  'cli/main.ts': "import { run } from '../app/score.js';\nimport { clock } from '../io/clock.js';\nprocess.exitCode = run(clock);\n",
};

describe('check-imports', () => {
  it('passes cli -> app -> core, io -> app/ports, cli -> io', () => {
    const r = check(ok);
    expect(r.out).toContain('layering ok');
    expect(r.status).toBe(0);
  });

  it.each([
    ['core imports node', 'core/b.ts', "import { readFileSync } from 'node:fs';\n", 'src/core/b.ts:1'],
    ['core imports app', 'core/b.ts', "import { run } from '../app/score.js';\n", 'src/core/b.ts:1'],
    ['app imports io', 'app/b.ts', "import { clock } from '../io/clock.js';\n", 'src/app/b.ts:1'],
    ['app imports a package', 'app/b.ts', "import chalk from 'chalk';\n", 'src/app/b.ts:1'],
    ['app uses process', 'app/b.ts', 'export const n = process.argv.length;\n', 'src/app/b.ts:1'],
    ['io imports a use case', 'io/b.ts', "import { run } from '../app/score.js';\n", 'src/io/b.ts:1'],
    ['io imports the outcomes join (a use case\'s)', 'io/b.ts', "import { joinOutcomes } from '../app/outcomes.js';\n", 'src/io/b.ts:1'],
    ['io exits', 'io/b.ts', '\nexport const stop = () => process.exit(1);\n', 'src/io/b.ts:2'],
  ])('reports %s', (_what, name, text, where) => {
    const r = check({ ...ok, [name]: text });
    expect(r.status).toBe(1);
    expect(r.out).toContain(where);
  });
});
