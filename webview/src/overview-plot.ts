// The geometry and colours of the overview, apart from any canvas: which
// time a pixel column shows, which bin and lane a point falls in, and the
// timeline's cells as an image of one pixel per cell (drawn scaled, so a
// frame of pan or zoom costs one image copy however many calls there are).
import { binAt, binSpan } from '../../extension/protocol/time-bins';
import { CELL_FIELDS, SPAN_FIELDS, type CellKind, type OverviewHistogramDto, type RangeDto, type TraceOverviewDto } from '../../extension/protocol/trace-overview';

/** The time window on screen, in seconds, and the pixel span it is drawn across. */
export class TimeScale {
  constructor(
    readonly from: number,
    readonly to: number,
    readonly left: number,
    readonly width: number,
  ) {}

  x(time: number): number {
    return this.left + ((time - this.from) / (this.to - this.from || 1)) * this.width;
  }

  time(x: number): number {
    return this.from + ((x - this.left) / (this.width || 1)) * (this.to - this.from);
  }

  /** Zoomed by `factor` (< 1 zooms in) about the time under `x`, kept inside `limit` and at least `minSpan` wide. */
  zoom(x: number, factor: number, limit: RangeDto, minSpan: number): TimeScale {
    const at = this.time(x);
    const span = Math.min(limit.to - limit.from, Math.max(minSpan, (this.to - this.from) * factor));
    const from = at - ((at - this.from) / (this.to - this.from || 1)) * span;
    return this.moved(from, span, limit);
  }

  /** Moved by `dx` pixels (dragged right shows earlier times), kept inside `limit`. */
  pan(dx: number, limit: RangeDto): TimeScale {
    const span = this.to - this.from;
    return this.moved(this.from - (dx / (this.width || 1)) * span, span, limit);
  }

  private moved(from: number, span: number, limit: RangeDto): TimeScale {
    const start = Math.max(limit.from, Math.min(limit.to - span, from));
    return new TimeScale(start, start + span, this.left, this.width);
  }
}

/** The bin of the overview's window that holds `time` (-1: none), with the server's arithmetic. */
export function binOf(overview: TraceOverviewDto, time: number): number {
  return binAt(overview.window, time);
}

/** Bin `bin` as a selection: half-open, the last one closed, as the server counted it. */
export function binRange(overview: TraceOverviewDto, bin: number): RangeDto {
  return binSpan(overview.window, bin);
}

/** Each non-empty cell's [calls, mismatch, incomplete, anomalous], keyed lane * bins + bin. */
export function cellCounts(overview: TraceOverviewDto): Map<number, number[]> {
  const cells = new Map<number, number[]>();
  const { bins } = overview.window;
  const flat = overview.cells;
  for (let i = 0; i + CELL_FIELDS <= flat.length; i += CELL_FIELDS) {
    const lane = flat[i]!;
    const bin = flat[i + 1]!;
    if (lane < 0 || lane >= overview.lanes.length || bin < 0 || bin >= bins) continue;
    const key = lane * bins + bin;
    let counts = cells.get(key);
    if (!counts) cells.set(key, (counts = [0, 0, 0, 0]));
    for (let k = 0; k < 4; k++) counts[k]! += flat[i + 2 + k]!;
  }
  return cells;
}

/** A call drawn on its own: its lane, its index in the trace, its time inside the call, its kind. */
export interface Span {
  readonly lane: number;
  readonly index: number;
  readonly entry: number;
  readonly exit: number;
  readonly kind: CellKind;
}

/** The overview's spans by lane (lanes without spans are absent). */
export function spansByLane(overview: TraceOverviewDto): Map<number, Span[]> {
  const out = new Map<number, Span[]>();
  const flat = overview.spans ?? [];
  for (let i = 0; i + SPAN_FIELDS <= flat.length; i += SPAN_FIELDS) {
    const lane = flat[i]!;
    if (lane < 0 || lane >= overview.lanes.length) continue;
    const verdict = flat[i + 4]!;
    const kind: CellKind = flat[i + 5] ? 'anomaly' : verdict === 1 ? 'mismatch' : verdict === 2 ? 'incomplete' : 'match';
    const entry = flat[i + 2]!;
    let list = out.get(lane);
    if (!list) out.set(lane, (list = []));
    list.push({ lane, index: flat[i + 1]!, entry, exit: Math.max(entry, flat[i + 3]!), kind });
  }
  for (const list of out.values()) list.sort((a, b) => a.entry - b.entry);
  return out;
}

/**
 * Whether a lane's calls are drawn one by one at `secondsPerPixel`: when its
 * calls, on the median, are wider than a pixel (zoomed in far enough).
 */
export function spansShown(spans: readonly Span[], secondsPerPixel: number): boolean {
  if (spans.length === 0 || !(secondsPerPixel > 0)) return false;
  const widths = spans.map((s) => s.exit - s.entry).sort((a, b) => a - b);
  return widths[widths.length >> 1]! > secondsPerPixel;
}

/** The span under pixel `x` (within `slop` pixels), the nearest one. */
export function spanAt(spans: readonly Span[], x: number, toX: (time: number) => number, slop: number): Span | null {
  let best: Span | null = null;
  let distance = Infinity;
  for (const span of spans) {
    const x0 = toX(span.entry);
    const x1 = Math.max(x0 + 1, toX(span.exit));
    const d = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
    if (d <= slop && d < distance) {
      best = span;
      distance = d;
    }
  }
  return best;
}

/** The kind a cell is coloured by: the one a reader most needs to see ([calls, mismatch, incomplete, anomalous]). */
export function shownKind(counts: readonly number[]): CellKind {
  if (counts[3]) return 'anomaly';
  if (counts[1]) return 'mismatch';
  if (counts[2]) return 'incomplete';
  return 'match';
}

export type Rgb = readonly [number, number, number];
export type Palette = Record<CellKind, Rgb>;

/**
 * One pixel per cell (bins wide, lanes high): the cell's kind in its colour,
 * more opaque the more calls it holds (log scale, so one call still shows).
 */
export function cellImage(overview: TraceOverviewDto, cells: Map<number, number[]>, palette: Palette): Uint8ClampedArray {
  const { bins } = overview.window;
  const pixels = new Uint8ClampedArray(bins * overview.lanes.length * 4);
  let most = 1;
  for (const counts of cells.values()) most = Math.max(most, counts[0]!);
  const scale = Math.log1p(most);
  for (const [key, counts] of cells) {
    const total = counts[0]!;
    if (total <= 0) continue;
    const [r, g, b] = palette[shownKind(counts)];
    const at = key * 4;
    pixels[at] = r;
    pixels[at + 1] = g;
    pixels[at + 2] = b;
    pixels[at + 3] = Math.round(255 * (0.45 + 0.55 * (Math.log1p(total) / scale)));
  }
  return pixels;
}

/** A number as a short axis label: 4096 → "4 Ki", 1500000 → "1.5 M". */
export function shortNumber(n: number, binary: boolean): string {
  const base = binary ? 1024 : 1000;
  const units = binary ? ['', ' Ki', ' Mi', ' Gi', ' Ti'] : ['', ' k', ' M', ' G', ' T'];
  let i = 0;
  while (Math.abs(n) >= base && i < units.length - 1) {
    n /= base;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)}${units[i]}`;
}

/** A time in seconds, as precise as the span on screen needs. */
export function timeLabel(seconds: number, span: number): string {
  const digits = Math.max(0, Math.min(6, Math.ceil(-Math.log10(span || 1)) + 2));
  return `${seconds.toFixed(digits)} s`;
}

/** The range of values histogram class i holds, as a selection range and as text. */
export function histogramClass(histogram: OverviewHistogramDto, i: number): { range: RangeDto; label: string } {
  const from = histogram.edges[i]!;
  const last = i === histogram.counts.length - 1;
  const next = last ? undefined : histogram.edges[i + 1];
  const binary = histogram.kind === 'bytes';
  // The last class is closed: it holds its upper edge too.
  const range = { from, to: next ?? (histogram.edges[i + 1] ?? from) + 1 };
  // Counts of things (pages, rounds) name their last value; bytes and times the edge they stop short of.
  const counted = histogram.kind === 'pages' || histogram.kind === 'rounds';
  const end = counted ? range.to - 1 : range.to;
  const label = end === from || (counted && range.to - from === 1) ? `${shortNumber(from, binary)} ${histogram.unit}` : `${shortNumber(from, binary)}–${shortNumber(end, binary)} ${histogram.unit}`;
  return { range, label };
}

/** Ticks for an axis from `from` to `to`: round steps, about `count` of them. */
export function ticks(from: number, to: number, count: number): number[] {
  const span = to - from;
  if (!(span > 0)) return [from];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}
