#!/usr/bin/env node
// Enforces the layering of STYLE.md and docs/architecture.md:
//   cli -> app -> core      cli wires: it parses, picks the adapters, calls a use case, prints
//   cli -> io  -> core      io implements the ports of app (app/ports.ts) with Node
//          io -> app/ports.ts, app/errors.ts, app/columns.ts only (never a use case, nor outcomes.ts: the
//                outcomes join is a use case's, since train moved to app/)
// src/core is pure: no node:* built-ins, no packages, no io/, app/ or cli/, no `process`, no `console`.
// src/app (use cases over ports) is pure too: it imports core and its own modules, never io/ or cli/.
// src/io never imports cli/. Only src/cli ends the process (process.exit) or writes to stderr; nothing
// writes with console.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
// the folder checked: src/ of this checkout, or the one given (test/scripts/check-imports.test.ts)
const src = process.argv[2] ? resolve(process.argv[2]) : join(root, 'src');
const NODE_BUILTINS = new Set([
  'fs', 'path', 'os', 'stream', 'zlib', 'process', 'child_process', 'crypto', 'util', 'events',
  'readline', 'url', 'buffer', 'worker_threads', 'net', 'http', 'https', 'tty', 'module', 'v8',
  'fs/promises', 'stream/promises', 'timers', 'timers/promises', 'string_decoder', 'perf_hooks',
]);
const CORE_ALLOWED_PACKAGES = new Set(['re2js']); // pure, dependency-free packages core may use (re2js: the linear-time regex engine of model regexes)
/** What io may import of app: the port interfaces and the helpers the adapters share with use cases. */
const APP_FOR_IO = new Set(['app/ports.ts', 'app/errors.ts', 'app/columns.ts']);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const problems = [];
const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;
for (const file of walk(src)) {
  const rel = relative(src, file);
  const layer = rel.split('/')[0];
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec) continue;
    const line = text.slice(0, m.index).split('\n').length + (text[m.index] === '\n' ? 1 : 0);
    let target;
    let targetFile;
    if (spec.startsWith('.')) {
      targetFile = relative(src, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
      target = targetFile.split('/')[0];
    }
    else if (spec.startsWith('node:') || NODE_BUILTINS.has(spec)) target = 'node';
    else target = 'package:' + spec;
    const pure = layer === 'core' || layer === 'app';
    const bad =
      (pure && (target === 'node' || target === 'io' || target === 'cli' ||
        (target.startsWith('package:') && !CORE_ALLOWED_PACKAGES.has(spec)))) ||
      (layer === 'core' && target === 'app') ||
      (layer === 'io' && target === 'cli') ||
      (layer === 'io' && target === 'app' && !APP_FOR_IO.has(targetFile));
    if (bad) problems.push(`src/${rel}:${line}: ${layer}/ must not import "${spec}" (docs/architecture.md: cli -> app -> core, cli -> io -> core, io implements app's ports; core and app are pure)`);
  }
}
// Globals: `process` and `console` in the pure layers; process.exit and process.stderr outside cli.
const GLOBAL_RULES = [
  { re: /\bprocess\b/, where: (layer) => layer === 'core' || layer === 'app', what: '`process` (core and app are pure: take what you need as a parameter)' },
  { re: /\bconsole\s*\./, where: (layer) => layer !== 'cli', what: '`console` (only cli writes to the terminal)' },
  { re: /\bprocess\s*\.\s*exit\b/, where: (layer) => layer !== 'cli', what: 'process.exit (only cli ends the process)' },
  { re: /\bprocess\s*\.\s*stderr\b/, where: (layer) => layer !== 'cli', what: 'process.stderr (only cli writes diagnostics and progress)' },
];
for (const file of walk(src)) {
  const rel = relative(src, file);
  const layer = rel.split('/')[0];
  const lines = readFileSync(file, 'utf8').split('\n');
  let inBlock = false;
  lines.forEach((raw, i) => {
    // code only: drop block comments, line comments and string/template contents (roughly)
    let line = raw;
    if (inBlock) {
      const end = line.indexOf('*/');
      if (end < 0) return;
      line = line.slice(end + 2);
      inBlock = false;
    }
    line = line.replace(/\/\*.*?\*\//g, '');
    const open = line.indexOf('/*');
    if (open >= 0) {
      inBlock = true;
      line = line.slice(0, open);
    }
    line = line.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''").replace(/\/\/.*$/, '');
    for (const rule of GLOBAL_RULES) {
      if (rule.where(layer) && rule.re.test(line)) problems.push(`src/${rel}:${i + 1}: ${layer}/ must not use ${rule.what}`);
    }
  });
}
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`check-imports: ${problems.length} problem(s) break the layering`);
  process.exit(1);
}
console.log('check-imports: layering ok');
