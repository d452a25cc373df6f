// Reads a YAML model with source positions and validates it. YAML errors (syntax, duplicate keys, an
// alias bomb) become diagnostics with codes and line:col, like every other model problem; a missing
// or unreadable file is a diagnostic too. Never throws for user mistakes.
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import type { DiagnosticCode } from '../core/model/codes.js';
import type { Diagnostic, Model, Result } from '../core/model/types.js';
import { type Locate, type ModelPath, validateModel } from '../core/model/validate.js';

/** Aliases (`*name`) a model may use before loading stops: models are data, not a zip bomb. */
export const MAX_ALIAS_COUNT = 100;

export interface LoadedModel {
  result: Result<Model>;
  /** sha256 of the file's bytes, hex (reported in summaries). */
  sha256: string;
  text: string;
  /** Position of a model path in the text (for diagnostics found later, e.g. checkColumns). */
  locate: Locate;
}

/** A model file larger than this is refused (LS008): models are kilobytes; this is a read bound. */
export const MAX_MODEL_BYTES = 16 << 20;
/** Values (scalars and collections) YAML aliases may add to a model when expanded (LS009). */
export const MAX_EXPANDED_NODES = 1_000_000;

export async function loadModelFile(path: string): Promise<LoadedModel> {
  let bytes: Buffer;
  const refuse = (message: string): LoadedModel => {
    const d: Diagnostic = {
      code: 'LS008' satisfies DiagnosticCode, severity: 'error', file: path, message,
      hint: `give the path of a YAML file (at most ${MAX_MODEL_BYTES >> 20} MiB); models usually live in models/*.yaml`,
    };
    return { result: { errors: [d], warnings: [] }, sha256: '', text: '', locate: () => undefined };
  };
  try {
    // a device (/dev/zero) or a FIFO would be read without end or block forever: regular files only
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    if (!st.isFile()) return refuse(`the model ${path} is not a regular file (a device, a pipe or a socket)`);
    if (st.size > MAX_MODEL_BYTES) return refuse(`the model ${path} is ${st.size} bytes, more than the ${MAX_MODEL_BYTES >> 20} MiB a model may have`);
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(MAX_MODEL_BYTES + 1);
      let n = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
        if (n > MAX_MODEL_BYTES) return refuse(`the model ${path} is more than the ${MAX_MODEL_BYTES >> 20} MiB a model may have`);
      }
      bytes = Buffer.from(buf.subarray(0, n));
    } finally {
      await fh.close();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    const d: Diagnostic = {
      code: 'LS003' satisfies DiagnosticCode, severity: 'error', file: path,
      message: `cannot read the model file ${path}: ${why}`,
      hint: 'check the path; models usually live in models/*.yaml',
    };
    return { result: { errors: [d], warnings: [] }, sha256: '', text: '', locate: () => undefined };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');
  return { ...loadModelText(text, path), sha256 };
}

/** Parse and validate model text; `file` names it in diagnostics. */
export function loadModelText(text: string, file?: string): LoadedModel {
  try {
    return loadModelTextUnguarded(text, file);
  } catch (e) {
    // thousands of nested block mappings overflow the YAML parser's (or the validator's) stack
    if (!(e instanceof RangeError)) throw e;
    const d: Diagnostic = {
      code: 'LS007' satisfies DiagnosticCode, severity: 'error',
      message: 'the model nests too deeply to be read (the YAML has thousands of nested mappings or lists)',
      hint: 'a scoring model needs a few levels of nesting: check for runaway indentation, or a generated file gone wrong',
    };
    if (file !== undefined) d.file = file;
    const sha256 = createHash('sha256').update(text).digest('hex');
    return { result: { errors: [d], warnings: [] }, sha256, text, locate: () => undefined };
  }
}

function loadModelTextUnguarded(text: string, file?: string): LoadedModel {
  const sha256 = createHash('sha256').update(text).digest('hex');
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  const locate = locator(doc, lineCounter);
  const pos = (offset: number | undefined) => {
    if (offset === undefined) return undefined;
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const yamlDiag = (code: DiagnosticCode, severity: 'error' | 'warning', message: string, offset: number | undefined, hint: string): Diagnostic => {
    const d: Diagnostic = { code, severity, message };
    if (file !== undefined) d.file = file;
    const p = pos(offset);
    if (p) {
      d.line = p.line;
      d.col = p.col;
    }
    d.hint = hint;
    return d;
  };
  for (const e of doc.errors) {
    const msg = e.message.split('\n')[0] ?? e.message;
    if (e.code === 'DUPLICATE_KEY') {
      errors.push(yamlDiag('LS005', 'error', `duplicate key: ${msg}`, e.pos[0], 'a key may appear once per mapping: remove or merge the repeated one'));
    } else {
      errors.push(yamlDiag('LS001', 'error', `YAML syntax error: ${msg}`, e.pos[0],
        'check indentation (spaces, not tabs), a missing ":" or an unclosed quote or bracket near this place'));
    }
  }
  for (const w of doc.warnings) {
    warnings.push(yamlDiag('LS006', 'warning', `YAML: ${w.message.split('\n')[0] ?? w.message}`, w.pos[0], 'check the YAML near this place'));
  }
  if (errors.length) return { result: { errors, warnings }, sha256, text, locate };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: true });
  } catch (err) {
    const alias = firstAlias(doc);
    const excessive = /excessive alias count/i.test((err as Error).message);
    errors.push(yamlDiag('LS002', 'error',
      excessive ? `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} times): loading stopped` : `YAML alias error: ${(err as Error).message}`,
      alias, excessive ? 'write the repeated parts out, or use fewer nested aliases (*name)' : 'define the anchor (&name) before using the alias (*name)'));
    return { result: { errors, warnings }, sha256, text, locate };
  }

  // a few aliases of a large anchored list multiply the model (98 aliases of 200,000 values act as 20
  // million): count the nodes as expanded before building them
  const plain = expandedSize(doc, false);
  const added = expandedSize(doc, true, plain + MAX_EXPANDED_NODES) - plain;
  if (added > MAX_EXPANDED_NODES) {
    errors.push(yamlDiag('LS009', 'error', `YAML aliases add more than ${MAX_EXPANDED_NODES.toLocaleString('en-US')} values to the model when expanded: loading stopped`,
      firstAlias(doc), 'write the list once where it is needed, or use fewer aliases (*name) of large anchored lists'));
    return { result: { errors, warnings }, sha256, text, locate };
  }
  const result = validateModel(raw, { ...(file !== undefined ? { file } : {}), locate });
  const bySource = (a: Diagnostic, b: Diagnostic) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
  return {
    result: { value: result.value, errors: [...errors, ...result.errors].sort(bySource), warnings: [...warnings, ...result.warnings].sort(bySource) },
    sha256, text, locate,
  };
}

/**
 * Nodes of the document with every alias expanded (an anchored node counted once per use), or without
 * expanding aliases; counting stops past `stop` (the count is then only known to be above it).
 */
function expandedSize(doc: Document, expand: boolean, stop = Infinity): number {
  const memo = new Map<unknown, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      if (!expand) return 1;
      const target = node.resolve(doc);
      if (!target || memo.get(target) === -1) return 1; // unresolved or a cycle: toJS reports it
      return size(target);
    }
    const known = memo.get(node);
    if (known !== undefined && known >= 0) return known;
    let n = 1;
    if (isMap(node) || isSeq(node)) {
      memo.set(node, -1);
      for (const item of node.items as unknown[]) {
        if (isPair(item)) n += size(item.key) + size(item.value);
        else n += size(item);
        if (n > stop) break;
      }
    }
    memo.set(node, n);
    return n;
  };
  return size(doc.contents);
}

function firstAlias(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Position of the node at `path`; when the path does not exist (a missing key), the position of the
 * deepest node that does (its parent mapping).
 */
function locator(doc: Document, lc: LineCounter): Locate {
  return (path: ModelPath, part: 'key' | 'value' = 'value') => {
    let node: unknown = doc.contents;
    let best: number | undefined = (doc.contents as YamlNode | null)?.range?.[0];
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isAlias(node)) node = node.resolve(doc);
      let next: unknown;
      let keyOffset: number | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
        if (pair) {
          next = pair.value;
          keyOffset = (pair.key as YamlNode | null)?.range?.[0];
        }
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      if (next === undefined && keyOffset === undefined) break;
      const last = i === path.length - 1;
      const valueOffset = (next as YamlNode | null)?.range?.[0];
      best = last && part === 'key' ? (keyOffset ?? valueOffset ?? best) : (valueOffset ?? keyOffset ?? best);
      node = next;
    }
    if (best === undefined) return undefined;
    const p = lc.linePos(best);
    return { line: p.line, col: p.col };
  };
}
