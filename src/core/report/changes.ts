// What changed since the previous run (--previous): per lead `change` (new, up, down, same, by band),
// the band transition matrix, the largest movers, and which leads crossed into the hand-off band.
import type { Band } from '../model/types.js';
import { round2 } from '../value.js';

export interface PreviousLead {
  score: number;
  band: string;
}

export type Change = 'new' | 'up' | 'down' | 'same';

export interface Mover {
  id: string;
  previous_score: number;
  previous_band: string;
  score: number;
  band: string;
  delta: number;
}

export interface ChangesSummary {
  path: string;
  previous_leads: number;
  matched: number;
  new: number;
  /** Leads of the previous run that are not scored in this one. */
  gone: number;
  up: number;
  down: number;
  same: number;
  handoff_band: string;
  crossed: number;
  /** Rows: previous band (plus `new`); columns: current band; counts. */
  transitions: { from: string[]; to: string[]; counts: number[][] };
  movers: { up: Mover[]; down: Mover[] };
}

const MOVERS = 10;

export class ChangeTracker {
  private readonly bandIndex = new Map<string, number>();
  private readonly from: string[];
  private readonly counts: number[][];
  private readonly c = { matched: 0, new: 0, up: 0, down: 0, same: 0, crossed: 0 };
  private readonly ups: Mover[] = [];
  private readonly downs: Mover[] = [];
  readonly handoff: number;

  constructor(
    private readonly bands: readonly Band[],
    private readonly previous: ReadonlyMap<string, PreviousLead>,
    private readonly path: string,
    handoffBand?: string,
  ) {
    bands.forEach((b, i) => this.bandIndex.set(b.name.toLowerCase(), i));
    const prevNames = new Set<string>();
    for (const p of previous.values()) prevNames.add(p.band);
    const extra = [...prevNames].filter((n) => !this.bandIndex.has(n.toLowerCase())).sort();
    this.from = [...bands.map((b) => b.name), ...extra, 'new'];
    this.counts = this.from.map(() => bands.map(() => 0));
    const h = handoffBand ?? (this.bandIndex.has('mql') ? 'MQL' : bands[0]?.name ?? '');
    this.handoff = this.bandIndex.get(h.toLowerCase()) ?? -1;
  }

  /** Band order of a previous band name: its index now, or below every band when unknown. */
  private order(name: string): number {
    return this.bandIndex.get(name.toLowerCase()) ?? this.bands.length;
  }

  /** Record one scored lead; returns its change and whether it entered the hand-off band. */
  record(id: string, score: number, band: number): { change: Change; previous?: PreviousLead; crossed: boolean } {
    const prev = this.previous.get(id);
    const now = band < 0 ? this.bands.length : band;
    const inHandoff = this.handoff >= 0 && now <= this.handoff;
    if (!prev) {
      this.c.new++;
      if (band >= 0) this.counts[this.from.length - 1]![band]!++;
      if (inHandoff) this.c.crossed++;
      return { change: 'new', crossed: inHandoff };
    }
    this.c.matched++;
    const was = this.order(prev.band);
    const row = this.from.findIndex((f) => f.toLowerCase() === prev.band.toLowerCase());
    if (row >= 0 && band >= 0) this.counts[row]![band]!++;
    const change: Change = now < was ? 'up' : now > was ? 'down' : 'same';
    this.c[change]++;
    const crossed = inHandoff && was > this.handoff;
    if (crossed) this.c.crossed++;
    const delta = score - prev.score;
    if (delta !== 0) {
      const m: Mover = { id, previous_score: prev.score, previous_band: prev.band, score: round2(score), band: band >= 0 ? this.bands[band]!.name : '', delta: round2(delta) };
      keepTop(delta > 0 ? this.ups : this.downs, m, delta > 0 ? (a, b) => b.delta - a.delta : (a, b) => a.delta - b.delta);
    }
    return { change, previous: prev, crossed };
  }

  summary(): ChangesSummary {
    return {
      path: this.path,
      previous_leads: this.previous.size,
      matched: this.c.matched,
      new: this.c.new,
      gone: this.previous.size - this.c.matched,
      up: this.c.up,
      down: this.c.down,
      same: this.c.same,
      handoff_band: this.handoff >= 0 ? this.bands[this.handoff]!.name : '',
      crossed: this.c.crossed,
      transitions: { from: this.from, to: this.bands.map((b) => b.name), counts: this.counts },
      movers: { up: this.ups, down: this.downs },
    };
  }
}

/** Keep the MOVERS best by `cmp` (ties: lead id), in order. */
function keepTop(list: Mover[], m: Mover, cmp: (a: Mover, b: Mover) => number): void {
  const by = (a: Mover, b: Mover) => cmp(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (list.length === MOVERS && by(m, list[MOVERS - 1]!) >= 0) return;
  let i = list.length;
  while (i > 0 && by(m, list[i - 1]!) < 0) i--;
  list.splice(i, 0, m);
  if (list.length > MOVERS) list.pop();
}
