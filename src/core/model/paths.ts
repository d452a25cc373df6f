// Paths into the model, in the form users read ("fit.rules[2].if") and as segments for locating nodes.

export type ModelPath = (string | number)[];

/** ['fit', 'rules', 2, 'if'] -> "fit.rules[2].if" */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** "fit.rules[2].if" -> ['fit', 'rules', 2, 'if'] (the inverse of formatPath). */
export function parsePath(text: string): ModelPath {
  const out: ModelPath = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([A-Za-z_$][\w$]*)/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string);
    else if (m[3] !== undefined) out.push(m[3]);
  }
  return out;
}
