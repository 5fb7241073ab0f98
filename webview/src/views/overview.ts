// The whole trace at a glance, on canvases from the server's bins: a
// timeline of calls per task over time (coloured by verdict and anomaly;
// wheel or +/- zooms, drag or arrows pan), the pins outstanding over the
// same time axis, and histograms of bytes, pages, GUP rounds and time inside
// the call. A click on a cell, a point or a bar lists those calls. Zoomed in
// until a lane's calls are wider than a pixel, the lane shows each call's
// span instead (the server sends them for lanes with few calls in the
// window), and a click on one opens that call. Text from
// the trace (task names) is drawn with fillText or put in text nodes.
import type { CallSelectionDto, OverviewHistogramDto, TraceOverviewDto } from '../../../extension/protocol/trace-overview';
import { OVERVIEW_LANES } from '../../../extension/protocol/webview';
import { h } from '../dom';
import { binOf, binRange, cellCounts, cellImage, histogramClass, shortNumber, spanAt, spansByLane, spansShown, ticks, timeLabel, TimeScale, type Palette, type Rgb, type Span } from '../overview-plot';

export interface OverviewHost {
  /** Bins for the window [from, to) in `bins` columns and task rows from `firstLane` (after a zoom, pan or scroll). */
  bins(from: number, to: number, bins: number, firstLane: number): void;
  /** List the calls `selection` picks; `label` says which they are. */
  list(selection: CallSelectionDto, label: string): void;
  /** Open call `index` of the trace (a span clicked). */
  open(index: number): void;
}

export interface OverviewView {
  readonly element: HTMLElement;
  /** Bins the host sent for a window asked for. */
  receive(overview: TraceOverviewDto): void;
}

const GUTTER_PX = 140;
const MAX_TIMELINE_PX = 320;
const AXIS_PX = 20;
const PINS_PX = 80;
const HIST_W = 260;
const HIST_H = 130;
/** Bins asked per pixel column of the plot (one bin every 2 px keeps cells visible). */
const PX_PER_BIN = 2;
/** Wait after the last zoom or pan before asking the host for finer bins. */
const REFINE_MS = 120;

const HISTOGRAM_TITLES: Record<string, string> = { bytes: 'Bytes per call', pages: 'Pages per call', rounds: 'GUP rounds per call', duration: 'Time inside the call' };

const FALLBACK: Palette = { match: [56, 138, 52], mismatch: [229, 20, 0], incomplete: [128, 128, 128], anomaly: [209, 134, 22] };
const COLOUR_VARIABLES: Record<keyof Palette, string> = {
  match: '--vscode-testing-iconPassed',
  mismatch: '--vscode-errorForeground',
  incomplete: '--vscode-descriptionForeground',
  anomaly: '--vscode-charts-orange',
};

/** The theme's colours as RGB (a canvas resolves any CSS colour). */
function themePalette(): { palette: Palette; text: string; grid: string; accent: string } {
  const style = getComputedStyle(document.body);
  const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  const rgb = (css: string, fallback: Rgb): Rgb => {
    if (!css.trim()) return fallback;
    probe.clearRect(0, 0, 1, 1);
    probe.fillStyle = '#000';
    probe.fillStyle = css.trim();
    probe.fillRect(0, 0, 1, 1);
    const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
    return [r!, g!, b!];
  };
  const palette = Object.fromEntries(Object.entries(COLOUR_VARIABLES).map(([kind, variable]) => [kind, rgb(style.getPropertyValue(variable), FALLBACK[kind as keyof Palette])])) as unknown as Palette;
  return {
    palette,
    text: style.getPropertyValue('--vscode-foreground').trim() || '#888',
    grid: style.getPropertyValue('--vscode-panel-border').trim() || '#8884',
    accent: style.getPropertyValue('--vscode-charts-blue').trim() || '#3794ff',
  };
}

/** A canvas sized in CSS pixels, drawn at the device's resolution. */
function sizedCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

const rgbText = ([r, g, b]: Rgb) => `rgb(${r}, ${g}, ${b})`;

/** "4 calls: 1 mismatch, 2 with anomalies" from [calls, mismatch, incomplete, anomalous]. */
function cellText(counts: readonly number[] | undefined): string {
  if (!counts?.[0]) return 'no calls';
  const [calls, ...rest] = counts as [number, number, number, number];
  const names = ['mismatch', 'incomplete', 'with anomalies'];
  const parts = rest.map((n, k) => (n ? `${n.toLocaleString('en')} ${names[k]}` : '')).filter(Boolean);
  return `${calls.toLocaleString('en')} call${calls === 1 ? '' : 's'}: ${parts.length ? parts.join(', ') : 'all match'}`;
}

export function overviewView(first: TraceOverviewDto, host: OverviewHost): OverviewView {
  let data = first;
  let cells = cellCounts(data);
  let spans = spansByLane(data);
  /** Lanes drawn call by call in the last frame. */
  let spanLanes = new Set<number>();
  const colours = themePalette();
  /** The whole trace's time range (the first window): zoom and pan stay inside it. */
  const limit = { from: first.window.from, to: first.window.to };
  const laneCount = Math.max(1, Math.min(first.tasks, OVERVIEW_LANES));
  const lanePx = Math.max(2, Math.min(18, Math.floor(MAX_TIMELINE_PX / laneCount)));
  const timelinePx = lanePx * Math.min(first.tasks, laneCount);
  const pinsTop = timelinePx + AXIS_PX + 8;
  const height = pinsTop + (data.pins ? PINS_PX + AXIS_PX : 0);
  let width = 0;
  let scale = new TimeScale(limit.from, limit.to, GUTTER_PX, 1);
  /** The last choice, outlined. */
  let chosen: { x0: number; x1: number; y0: number; y1: number } | null = null;

  const canvas = h('canvas', {
    'data-testid': 'overview-timeline',
    tabindex: '0',
    role: 'img',
    'aria-label': `Timeline of ${first.calls.toLocaleString('en')} calls in ${first.tasks.toLocaleString('en')} tasks. Plus and minus zoom, arrows pan, 0 shows the whole trace, Page Up and Down show other tasks; click a cell to list its calls.`,
  }) as HTMLCanvasElement;
  const tip = h('div', { class: 'overview-tip', 'data-testid': 'overview-tip', role: 'status' });
  const image = document.createElement('canvas');

  const paintCells = () => {
    image.width = Math.max(1, data.window.bins);
    image.height = Math.max(1, data.lanes.length);
    if (data.window.bins === 0 || data.lanes.length === 0) return;
    const pixels = cellImage(data, cells, colours.palette);
    image.getContext('2d')!.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, data.window.bins, data.lanes.length), 0, 0);
  };

  const axis = (context: CanvasRenderingContext2D, top: number) => {
    context.fillStyle = colours.text;
    context.strokeStyle = colours.grid;
    context.textBaseline = 'top';
    const span = scale.to - scale.from;
    for (const t of ticks(scale.from, scale.to, Math.max(2, Math.floor(scale.width / 110)))) {
      const x = scale.x(t);
      context.fillRect(x, top, 1, 4);
      context.fillText(first.time ? timeLabel(t, span) : `call ${Math.round(t).toLocaleString('en')}`, x + 2, top + 5);
    }
  };

  const draw = () => {
    const context = canvas.getContext('2d')!;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    context.font = '11px var(--vscode-font-family, sans-serif)';
    // Lane labels, as many as fit.
    context.fillStyle = colours.text;
    context.textBaseline = 'middle';
    const every = Math.max(1, Math.ceil(12 / lanePx));
    data.lanes.forEach((lane, i) => {
      if (i % every === 0) context.fillText(lane.label, 2, Math.max(6, i * lanePx + lanePx / 2), GUTTER_PX - 6);
    });
    // The cells: one image copy, scaled to the window on screen.
    context.save();
    context.beginPath();
    context.rect(GUTTER_PX, 0, scale.width, height);
    context.clip();
    context.imageSmoothingEnabled = false;
    const x0 = scale.x(data.window.from);
    const x1 = scale.x(data.window.to);
    if (data.window.bins && data.lanes.length) context.drawImage(image, x0, 0, x1 - x0, data.lanes.length * lanePx);
    drawSpans(context);
    if (data.pins) drawPins(context);
    if (chosen) {
      context.strokeStyle = colours.accent;
      context.lineWidth = 2;
      context.strokeRect(chosen.x0, chosen.y0, Math.max(2, chosen.x1 - chosen.x0), chosen.y1 - chosen.y0);
    }
    context.restore();
    context.strokeStyle = colours.grid;
    context.strokeRect(GUTTER_PX - 0.5, -0.5, scale.width + 1, timelinePx + 1);
    axis(context, timelinePx + 2);
    if (data.firstLane > 0 || data.firstLane + data.lanes.length < data.tasks) {
      context.textBaseline = 'top';
      context.fillStyle = colours.text;
      context.fillText(`tasks ${(data.firstLane + 1).toLocaleString('en')}–${(data.firstLane + data.lanes.length).toLocaleString('en')} of ${data.tasks.toLocaleString('en')}`, 2, timelinePx + 4, GUTTER_PX - 6);
    }
    if (data.pins) {
      context.textBaseline = 'top';
      context.fillStyle = colours.text;
      context.fillText('pins outstanding', 2, pinsTop, GUTTER_PX - 6);
      context.strokeRect(GUTTER_PX - 0.5, pinsTop - 0.5, scale.width + 1, PINS_PX + 1);
      axis(context, pinsTop + PINS_PX + 2);
    }
  };

  /** Lanes whose calls are wider than a pixel: each call's span over the lane, in its kind's colour, instead of its cells. */
  const drawSpans = (context: CanvasRenderingContext2D) => {
    const secondsPerPixel = (scale.to - scale.from) / (scale.width || 1);
    spanLanes = new Set([...spans].filter(([, list]) => spansShown(list, secondsPerPixel)).map(([lane]) => lane));
    let drawn = 0;
    for (const lane of spanLanes) {
      const top = lane * lanePx;
      context.clearRect(GUTTER_PX, top, scale.width, lanePx);
      for (const span of spans.get(lane)!) {
        const x0 = scale.x(span.entry);
        const x1 = Math.max(x0 + 1, scale.x(span.exit));
        if (x1 < GUTTER_PX || x0 > GUTTER_PX + scale.width) continue;
        context.fillStyle = rgbText(colours.palette[span.kind]);
        context.fillRect(x0, top + (lanePx > 4 ? 1 : 0), x1 - x0, lanePx > 4 ? lanePx - 2 : lanePx);
        drawn++;
      }
    }
    canvas.dataset.spans = String(drawn);
  };

  const drawPins = (context: CanvasRenderingContext2D) => {
    const pins = data.pins!;
    let most = 1;
    for (const v of pins.outstanding) most = Math.max(most, Math.abs(v));
    const y = (v: number) => pinsTop + PINS_PX - (Math.max(0, v) / most) * (PINS_PX - 4);
    const binPx = (scale.x(data.window.to) - scale.x(data.window.from)) / Math.max(1, data.window.bins);
    // Under the balance, faintly: the area it encloses.
    context.fillStyle = colours.accent;
    context.globalAlpha = 0.25;
    pins.outstanding.forEach((v, b) => {
      if (v > 0) context.fillRect(scale.x(binRange(data, b).from), y(v), Math.max(1, binPx), pinsTop + PINS_PX - y(v));
    });
    context.globalAlpha = 1;
    context.strokeStyle = colours.accent;
    context.lineWidth = 1.5;
    context.beginPath();
    pins.outstanding.forEach((v, b) => {
      const x = scale.x(binRange(data, b).to);
      if (b === 0) context.moveTo(scale.x(data.window.from), y(v));
      context.lineTo(x, y(v));
    });
    context.stroke();
    context.fillStyle = colours.text;
    context.textBaseline = 'top';
    context.fillText(shortNumber(most, false), GUTTER_PX + 3, pinsTop + 2);
  };

  /** What is under a point of the canvas: a timeline cell, a pins bin, or nothing. */
  const under = (x: number, y: number) => {
    if (x < GUTTER_PX || x > GUTTER_PX + scale.width) return null;
    const bin = binOf(data, scale.time(x));
    if (bin < 0) return null;
    const time = binRange(data, bin);
    if (y >= 0 && y < timelinePx) {
      const laneIndex = Math.floor(y / lanePx);
      const lane = data.lanes[laneIndex];
      if (!lane) return null;
      if (spanLanes.has(laneIndex)) {
        // Drawn call by call: the call under the pointer, or nothing.
        const span = spanAt(spans.get(laneIndex)!, x, (t) => scale.x(t), 2);
        return span ? { kind: 'span' as const, span, laneIndex, lane } : null;
      }
      return { kind: 'cell' as const, bin, time, laneIndex, lane, counts: cells.get(laneIndex * data.window.bins + bin) };
    }
    if (data.pins && y >= pinsTop && y < pinsTop + PINS_PX) return { kind: 'pins' as const, bin, time };
    return null;
  };

  const timeText = (time: { from: number; to: number }) => {
    const span = time.to - time.from;
    return first.time ? `${timeLabel(time.from, span)} – ${timeLabel(time.to, span)}` : `calls ${Math.round(time.from).toLocaleString('en')}–${Math.round(time.to).toLocaleString('en')}`;
  };

  const describe = (x: number, y: number): string => {
    const hit = under(x, y);
    if (!hit) return '';
    if (hit.kind === 'cell') return `${hit.lane.label} · ${timeText(hit.time)} · ${cellText(hit.counts)}`;
    if (hit.kind === 'span') return `${hit.lane.label} · ${spanText(hit.span)}`;
    const pins = data.pins!;
    const n = (values: readonly number[]) => (values[hit.bin] ?? 0).toLocaleString('en');
    return `${timeText(hit.time)} · ${n(pins.outstanding)} pins outstanding at its end (${n(pins.pinned)} pinned, ${n(pins.unpinned)} unpinned in it)`;
  };

  const spanText = (span: Span) => {
    const micros = (span.exit - span.entry) * 1e6;
    const inside = micros >= 1000 ? `${(micros / 1000).toFixed(1)} ms` : `${micros.toFixed(micros >= 10 ? 0 : 1)} µs`;
    return `call ${(span.index + 1).toLocaleString('en')} · ${timeLabel(span.entry, scale.to - scale.from)} · ${inside} · ${span.kind}`;
  };

  const choose = (x: number, y: number) => {
    const hit = under(x, y);
    if (!hit) return;
    if (hit.kind === 'span') {
      chosen = { x0: scale.x(hit.span.entry), x1: Math.max(scale.x(hit.span.entry) + 1, scale.x(hit.span.exit)), y0: hit.laneIndex * lanePx, y1: (hit.laneIndex + 1) * lanePx };
      host.open(hit.span.index);
      draw();
      return;
    }
    // Without timestamps the axis counts calls in trace order, and so does the selection's time.
    const selectTime = { time: hit.time };
    const x0 = scale.x(hit.time.from);
    const x1 = scale.x(hit.time.to);
    if (hit.kind === 'cell') {
      chosen = { x0, x1, y0: hit.laneIndex * lanePx, y1: (hit.laneIndex + 1) * lanePx };
      host.list({ ...selectTime, ...(hit.lane.pid === null ? {} : { pid: hit.lane.pid }) }, `${hit.lane.label}, ${timeText(hit.time)}`);
    } else {
      chosen = { x0, x1, y0: pinsTop, y1: pinsTop + PINS_PX };
      host.list(selectTime, `every task, ${timeText(hit.time)}`);
    }
    draw();
  };

  // Zoom and pan redraw at once from the bins held, then ask for finer ones.
  let frame = 0;
  let refine = 0;
  const moved = (next: TimeScale) => {
    scale = next;
    chosen = null;
    // The rows are the tasks with a call in the window: a new window starts from its first.
    firstLane = 0;
    if (!frame) frame = requestAnimationFrame(() => ((frame = 0), draw()));
    clearTimeout(refine);
    refine = window.setTimeout(() => host.bins(scale.from, scale.to, wantedBins(), firstLane), REFINE_MS);
  };
  /** Other task rows: asked at once (the rows held are of other tasks). */
  let firstLane = first.firstLane;
  const scrollLanes = (by: number) => {
    const next = Math.max(0, Math.min(Math.max(0, data.tasks - laneCount), firstLane + by));
    if (next === firstLane) return;
    firstLane = next;
    clearTimeout(refine);
    host.bins(scale.from, scale.to, wantedBins(), firstLane);
  };
  const minSpan = () => (limit.to - limit.from) / 1e6 || 1e-6;

  const resize = (cssWidth: number) => {
    width = Math.max(GUTTER_PX + 100, Math.floor(cssWidth));
    scale = new TimeScale(scale.from, scale.to, GUTTER_PX, width - GUTTER_PX - 8);
    sizedCanvas(canvas, width, height);
    canvas.dataset.plotLeft = String(GUTTER_PX);
    canvas.dataset.plotWidth = String(scale.width);
    canvas.dataset.lanePx = String(lanePx);
    canvas.dataset.pinsTop = String(pinsTop);
    draw();
    // More bins than pixel columns would drop cells when drawn: ask for as many as fit.
    if (data.window.bins > wantedBins()) {
      clearTimeout(refine);
      refine = window.setTimeout(() => host.bins(scale.from, scale.to, wantedBins(), firstLane), 0);
    }
  };
  const wantedBins = () => Math.max(1, Math.floor(scale.width / PX_PER_BIN));

  const point = (event: MouseEvent) => {
    const box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };
  canvas.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const { x } = point(event);
      if (event.shiftKey) return scrollLanes(Math.sign(event.deltaY) * Math.ceil(laneCount / 4));
      moved(scale.zoom(Math.max(GUTTER_PX, x), Math.exp(event.deltaY * 0.002), limit, minSpan()));
    },
    { passive: false },
  );
  let drag: { x: number; scale: TimeScale; moved: boolean } | null = null;
  canvas.addEventListener('pointerdown', (event) => {
    drag = { x: event.clientX, scale, moved: false };
    canvas.setPointerCapture?.(event.pointerId);
  });
  canvas.addEventListener('pointermove', (event) => {
    const { x, y } = point(event);
    if (drag && Math.abs(event.clientX - drag.x) > 3) {
      drag.moved = true;
      moved(drag.scale.pan(event.clientX - drag.x, limit));
      // While dragging, the readout waits (a text change each move costs a layout).
      return;
    }
    tip.textContent = describe(x, y);
  });
  canvas.addEventListener('pointerup', (event) => {
    const wasDrag = drag?.moved;
    drag = null;
    if (!wasDrag) {
      const { x, y } = point(event);
      choose(x, y);
    }
  });
  canvas.addEventListener('pointerleave', () => (tip.textContent = ''));
  canvas.addEventListener('keydown', (event) => {
    const centre = GUTTER_PX + scale.width / 2;
    const keys: Record<string, () => TimeScale> = {
      '+': () => scale.zoom(centre, 0.5, limit, minSpan()),
      '=': () => scale.zoom(centre, 0.5, limit, minSpan()),
      '-': () => scale.zoom(centre, 2, limit, minSpan()),
      ArrowLeft: () => scale.pan(scale.width / 5, limit),
      ArrowRight: () => scale.pan(-scale.width / 5, limit),
      '0': () => new TimeScale(limit.from, limit.to, GUTTER_PX, scale.width),
    };
    if (event.key === 'PageDown' || event.key === 'PageUp') {
      event.preventDefault();
      return scrollLanes(event.key === 'PageDown' ? laneCount : -laneCount);
    }
    const next = keys[event.key];
    if (!next) return;
    event.preventDefault();
    moved(next());
  });

  const histograms = data.histograms.map((histogram) => histogramView(histogram, colours, host));
  const summary = h(
    'p',
    { 'data-testid': 'overview-summary' },
    `${first.calls.toLocaleString('en')} call${first.calls === 1 ? '' : 's'} in ${first.tasks.toLocaleString('en')} task${first.tasks === 1 ? '' : 's'}`,
    first.time ? `, ${timeText(first.time)}` : ', no timestamps (calls in trace order)',
    first.tasks > first.lanes.length ? `; the timeline shows ${laneCount} tasks at a time (Page Down, or Shift and the wheel, for more)` : '',
  );
  const legend = h(
    'p',
    { class: 'overview-legend' },
    ...(['match', 'mismatch', 'incomplete', 'anomaly'] as const).map((kind) => {
      // Through the CSSOM: the CSP allows no style attributes.
      const swatch = h('span', { class: 'swatch' });
      swatch.style.background = rgbText(colours.palette[kind]);
      return h('span', {}, swatch, `${kind} `);
    }),
  );
  const element = h(
    'section',
    { class: 'overview', 'aria-label': 'The whole trace at a glance' },
    summary,
    legend,
    h('div', { class: 'overview-plot' }, canvas, tip),
    h('div', { class: 'overview-histograms' }, ...histograms),
  );
  paintCells();
  // Drawn at once at the window's width, and again whenever the panel is resized.
  resize(Math.max(0, (document.body.clientWidth || 900) - 32));
  if (typeof ResizeObserver !== 'undefined') {
    const observer = new ResizeObserver((entries) => {
      if (!element.isConnected) return observer.disconnect();
      const next = Math.floor(entries[0]!.contentRect.width);
      if (next && next !== width) resize(next);
    });
    observer.observe(element);
  }
  return {
    element,
    receive(next) {
      if (next.traceId !== first.traceId || next.firstLane !== firstLane) return;
      data = next;
      cells = cellCounts(data);
      spans = spansByLane(data);
      paintCells();
      draw();
    },
  };
}

/** One histogram: a bar per class on a log-count scale; a click lists that class's calls. */
function histogramView(histogram: OverviewHistogramDto, colours: ReturnType<typeof themePalette>, host: OverviewHost): HTMLElement {
  const canvas = h('canvas', { 'data-testid': `histogram-${histogram.kind}`, tabindex: '0', role: 'img' }) as HTMLCanvasElement;
  const tip = h('div', { class: 'overview-tip', 'data-testid': `histogram-${histogram.kind}-tip`, role: 'status' });
  const classes = histogram.counts.length;
  const total = histogram.counts.reduce((a, b) => a + b, 0);
  canvas.setAttribute('aria-label', `${HISTOGRAM_TITLES[histogram.kind] ?? histogram.kind}: ${total.toLocaleString('en')} calls in ${classes} classes${histogram.unknown ? `, ${histogram.unknown.toLocaleString('en')} unknown` : ''}`);
  const left = 4;
  const bottom = HIST_H - 18;
  const barPx = (HIST_W - left * 2) / Math.max(1, classes);
  canvas.dataset.barLeft = String(left);
  canvas.dataset.barPx = String(barPx);
  const context = sizedCanvas(canvas, HIST_W, HIST_H);
  const most = Math.log1p(Math.max(1, ...histogram.counts));
  context.font = '10px var(--vscode-font-family, sans-serif)';
  context.fillStyle = colours.accent;
  histogram.counts.forEach((n, i) => {
    if (!n) return;
    const barHeight = Math.max(2, (Math.log1p(n) / most) * (bottom - 14));
    context.fillRect(left + i * barPx + 1, bottom - barHeight, Math.max(1, barPx - 2), barHeight);
  });
  context.fillStyle = colours.text;
  context.textBaseline = 'top';
  const labelEvery = Math.max(1, Math.ceil(classes / 5));
  for (let i = 0; i < classes; i += labelEvery) context.fillText(shortNumber(histogram.edges[i]!, histogram.kind === 'bytes'), left + i * barPx, bottom + 3);
  const classAt = (event: MouseEvent) => {
    const box = canvas.getBoundingClientRect();
    const i = Math.floor((event.clientX - box.left - left) / barPx);
    return i >= 0 && i < classes ? i : -1;
  };
  canvas.addEventListener('pointermove', (event) => {
    const i = classAt(event);
    tip.textContent = i < 0 ? '' : `${histogramClass(histogram, i).label}: ${histogram.counts[i]!.toLocaleString('en')} calls`;
  });
  canvas.addEventListener('click', (event) => {
    const i = classAt(event);
    if (i < 0 || !histogram.counts[i]) return;
    const { range, label } = histogramClass(histogram, i);
    host.list({ [histogram.kind]: range }, `${HISTOGRAM_TITLES[histogram.kind] ?? histogram.kind}: ${label}`);
  });
  const title = `${HISTOGRAM_TITLES[histogram.kind] ?? histogram.kind}${histogram.unknown ? ` (${histogram.unknown.toLocaleString('en')} unknown)` : ''}`;
  return h('figure', { class: 'histogram' }, h('figcaption', {}, title), canvas, tip);
}
