// The page around the charts: one HTML file with a small inline stylesheet (screen and print), no
// script, no external font, style sheet or image, so it opens the same from a mail attachment, a
// shared drive or a browser without network.

export function esc(s: unknown): string {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** 1234567 -> "1,234,567" (fixed grouping, whatever the machine's locale). */
export function int(n: number): string {
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return n < 0 ? `−${s}` : s;
}

/** Points with two decimals and a sign: +1,300.00, −110.00. */
export function points(n: number): string {
  const r = Math.round(n * 100) / 100;
  const [i, f] = Math.abs(r).toFixed(2).split('.');
  const s = `${i!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${f}`;
  return r > 0 ? `+${s}` : r < 0 ? `−${s}` : s;
}

export function num(n: number, digits = 2): string {
  const [i, f] = Math.abs(n).toFixed(digits).split('.');
  const s = i!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (f ? `.${f}` : '');
  return n < 0 && Number(n.toFixed(digits)) !== 0 ? `−${s}` : s;
}

export function pct(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

export type Cell = string | number | { html: string } | { text: string | number; cls?: string };

/** A table; numbers are right-aligned. Cells are escaped unless given as { html }. */
export function table(head: string[], rows: Cell[][], opts: { caption?: string; cls?: string } = {}): string {
  const cell = (c: Cell, tag: 'td' | 'th') => {
    if (typeof c === 'number') return `<${tag} class="n">${esc(c)}</${tag}>`;
    if (typeof c === 'string') return `<${tag}>${esc(c)}</${tag}>`;
    if ('html' in c) return `<${tag}>${c.html}</${tag}>`;
    const cls = c.cls ?? (typeof c.text === 'number' ? 'n' : '');
    return `<${tag}${cls ? ` class="${cls}"` : ''}>${esc(c.text)}</${tag}>`;
  };
  return [
    `<table${opts.cls ? ` class="${opts.cls}"` : ''}>`,
    opts.caption ? `<caption>${esc(opts.caption)}</caption>` : '',
    `<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => cell(c, i === 0 ? 'th' : 'td')).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
}

/** A chart in a figure with a heading and an optional note under it. */
export function figure(id: string, heading: string, svg: string, note?: string, cls = ''): string {
  return (
    `<figure class="chart${cls ? ` ${cls}` : ''}" id="${esc(id)}"><figcaption><h2>${esc(heading)}</h2></figcaption>` +
    `<div class="svg">${svg}</div>${note ? `<div class="note">${note}</div>` : ''}</figure>`
  );
}

export function section(id: string, heading: string, body: string, cls = ''): string {
  return `<section class="block${cls ? ` ${cls}` : ''}" id="${esc(id)}"><h2>${esc(heading)}</h2>${body}</section>`;
}

const CSS = `
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;--accent:#0b5cad}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--ink);font:14px/1.45 "Segoe UI","Helvetica Neue",Arial,"DejaVu Sans",sans-serif}
main{max-width:1220px;margin:0 auto;padding:20px 24px 40px}
header h1{font-size:22px;margin:0 0 4px}
header p{margin:0;color:var(--muted)}
h2{font-size:16px;margin:0 0 8px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px;margin:16px 0}
.tile{border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:var(--soft)}
.tile b{display:block;font-size:22px;line-height:1.2}
.tile span{color:var(--muted);font-size:12px}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px;align-items:start}
.wide{grid-column:1/-1}
figure,.block{margin:0;border:1px solid var(--line);border-radius:6px;padding:12px 14px;background:#fff;min-width:0}
figure .svg{overflow-x:auto}
figure svg{display:block;max-width:100%;height:auto}
.note{color:var(--muted);font-size:12px;margin:6px 0 0}
table{border-collapse:collapse;width:100%;font-size:13px}
caption{text-align:left;color:var(--muted);padding-bottom:4px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{border-bottom:2px solid var(--line);color:var(--muted);font-weight:600}
tbody th{font-weight:normal}
.n{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
.up{color:#1a7f37}.down{color:#cf222e}
footer{color:var(--muted);font-size:12px;margin-top:18px}
@media (max-width:900px){.grid{grid-template-columns:1fr}}
@media print{
  @page{size:A4;margin:12mm}
  body{font-size:10pt}
  main{max-width:none;padding:0}
  .grid{display:block}
  figure,.block,.tiles{break-inside:avoid;page-break-inside:avoid;margin:0 0 8mm;border-color:#999}
  .tile{background:none}
  figure .svg{overflow:visible}
  a{color:inherit;text-decoration:none}
}
`.trim();

export function page(title: string, body: string, opts: { generator?: string } = {}): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing on this page may load anything: this policy makes a browser refuse it if it ever tried.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    opts.generator ? `<meta name="generator" content="${esc(opts.generator)}">` : '',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    body,
    '</main></body>',
    '</html>',
  ]
    .filter((l) => l !== '')
    .join('\n') + '\n';
}
