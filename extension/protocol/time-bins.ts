// Time bins of the overview, one arithmetic for the server that counts
// calls into them and the webview that turns a clicked bin back into a
// filter: bin b holds [edge(b), edge(b + 1)), the last bin also its end, so
// a call on an edge is in exactly one bin and listed by exactly that one.

export interface TimeBins {
  readonly from: number;
  readonly to: number;
  readonly bins: number;
}

/** The start of bin `b` (bin `bins` starts at `to`). */
export function binEdge(window: TimeBins, b: number): number {
  if (b >= window.bins) return window.to;
  return window.from + b * ((window.to - window.from) / window.bins);
}

/** The bin holding `time`, or -1 outside [from, to]. */
export function binAt(window: TimeBins, time: number): number {
  const { from, to, bins } = window;
  if (!(time >= from && time <= to) || bins <= 0) return -1;
  let b = Math.min(bins - 1, Math.floor(((time - from) / (to - from)) * bins));
  // The division may round across an edge: settle it against the edges themselves.
  while (b > 0 && time < binEdge(window, b)) b--;
  while (b < bins - 1 && time >= binEdge(window, b + 1)) b++;
  return b;
}

/** Bin `b` as a range of time: half-open, the last one closed (it holds `to`). */
export function binSpan(window: TimeBins, b: number): { readonly from: number; readonly to: number; readonly closed?: true } {
  const last = b >= window.bins - 1;
  return { from: binEdge(window, b), to: last ? window.to : binEdge(window, b + 1), ...(last ? { closed: true as const } : {}) };
}
