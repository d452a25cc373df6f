#!/usr/bin/env node
// Enforces the import direction of STYLE.md: cli -> io -> core, cli -> core.
// src/core is pure: no node:* built-ins, no io/, no cli/. src/io never imports cli/.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');
const NODE_BUILTINS = new Set([
  'fs', 'path', 'os', 'stream', 'zlib', 'process', 'child_process', 'crypto', 'util', 'events',
  'readline', 'url', 'buffer', 'worker_threads', 'net', 'http', 'https', 'tty', 'module', 'v8',
  'fs/promises', 'stream/promises', 'timers', 'timers/promises', 'string_decoder', 'perf_hooks',
]);
const CORE_ALLOWED_PACKAGES = new Set(['re2js']) // pure, dependency-free packages core may use (re2js: the linear-time regex engine of model regexes);

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
    if (spec.startsWith('.')) target = relative(src, resolve(dirname(file), spec)).split('/')[0];
    else if (spec.startsWith('node:') || NODE_BUILTINS.has(spec)) target = 'node';
    else target = 'package:' + spec;
    const bad =
      (layer === 'core' && (target === 'node' || target === 'io' || target === 'cli' ||
        (target.startsWith('package:') && !CORE_ALLOWED_PACKAGES.has(spec)))) ||
      (layer === 'io' && target === 'cli');
    if (bad) problems.push(`src/${rel}:${line}: ${layer}/ must not import "${spec}" (STYLE.md: cli -> io -> core; core is pure)`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`check-imports: ${problems.length} import(s) break the layer direction`);
  process.exit(1);
}
console.log('check-imports: layer direction ok');
