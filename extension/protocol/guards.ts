// Runtime checks for every message that crosses the webview boundary: a
// message is only used after its guard accepted it.
import { CELL_FIELDS, SPAN_FIELDS } from './trace-overview';
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type SavedState, type WebviewToHost } from './webview';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (!isRecord(value) || value.v !== WEBVIEW_PROTOCOL_VERSION) return false;
  switch (value.type) {
    case 'ready':
      return value.restored === undefined || typeof value.restored === 'boolean';
    case 'rendered':
      return typeof value.ret === 'number' && typeof value.bvecs === 'number' && typeof value.pages === 'number';
    case 'selectStep':
      return Number.isInteger(value.index) && (value.index as number) >= 0;
    case 'openTraceCall':
      return Number.isInteger(value.traceId) && Number.isInteger(value.index);
    case 'requestBvecs':
      return Number.isInteger(value.id) && isCount(value.start) && isCount(value.count);
    case 'showing':
      return typeof value.title === 'string' && isRecord(value.call) && Array.isArray(value.call.segments);
    case 'requestOverview':
      return Number.isInteger(value.traceId) && isFiniteNumber(value.from) && isFiniteNumber(value.to) && isCount(value.bins) && isCount(value.firstLane);
    case 'requestCalls':
      return Number.isInteger(value.traceId) && Number.isInteger(value.query) && isSelection(value.selection) && isCount(value.start) && isCount(value.count);
    default:
      return false;
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isRange(value: unknown): boolean {
  return isRecord(value) && isFiniteNumber(value.from) && isFiniteNumber(value.to) && (value.closed === undefined || typeof value.closed === 'boolean');
}

const SELECTION_RANGES = ['time', 'bytes', 'pages', 'rounds', 'duration'];

function isSelection(value: unknown): boolean {
  return isRecord(value) && Object.entries(value).every(([key, v]) => (key === 'pid' ? Number.isInteger(v) : SELECTION_RANGES.includes(key) && isRange(v)));
}

const isNumbers = (value: unknown) => Array.isArray(value) && value.every(isFiniteNumber);

/** The overview's bins: numbers where numbers are drawn, strings only as labels (drawn as text). */
function isOverview(value: unknown): boolean {
  if (!isRecord(value) || !Number.isInteger(value.traceId) || !isCount(value.calls) || !isCount(value.tasks)) return false;
  const window = value.window;
  if (!isRecord(window) || !isFiniteNumber(window.from) || !isFiniteNumber(window.to) || !isCount(window.bins)) return false;
  if (value.time !== null && !isRange(value.time)) return false;
  const lanes = value.lanes;
  if (!isCount(value.firstLane) || !Array.isArray(lanes) || !lanes.every((l) => isRecord(l) && (l.pid === null || Number.isInteger(l.pid)) && typeof l.label === 'string')) return false;
  if (!isNumbers(value.cells) || (value.cells as number[]).length % CELL_FIELDS !== 0) return false;
  if (value.spans !== undefined && (!isNumbers(value.spans) || (value.spans as number[]).length % SPAN_FIELDS !== 0)) return false;
  const pins = value.pins;
  if (pins !== null && !(isRecord(pins) && isNumbers(pins.pinned) && isNumbers(pins.unpinned) && isNumbers(pins.outstanding))) return false;
  const histograms = value.histograms;
  return (
    Array.isArray(histograms) &&
    histograms.every((x) => isRecord(x) && typeof x.kind === 'string' && typeof x.unit === 'string' && isNumbers(x.edges) && isNumbers(x.counts) && isCount(x.unknown))
  );
}

function isCallSummary(value: unknown): boolean {
  const text = (x: unknown) => x === null || typeof x === 'string';
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  return (
    isRecord(value) &&
    isCount(value.index) &&
    isCount(value.line) &&
    (value.pid === null || Number.isInteger(value.pid)) &&
    text(value.comm) &&
    text(value.input) &&
    text(value.caller) &&
    ['match', 'mismatch', 'incomplete'].includes(value.verdict as string) &&
    (value.observedRet === null || typeof value.observedRet === 'number') &&
    (value.predictedRet === null || typeof value.predictedRet === 'number') &&
    strings(value.anomalies) &&
    strings(value.missing) &&
    strings(value.differences)
  );
}

function isBvec(value: unknown): boolean {
  return isRecord(value) && isCount(value.offset) && isCount(value.len) && (value.uaddr === null || typeof value.uaddr === 'string');
}

function isObserved(value: unknown): boolean {
  if (value === undefined) return true;
  if (!isRecord(value) || !Array.isArray(value.missing)) return false;
  const numberOrNull = (x: unknown) => x === undefined || x === null || typeof x === 'number';
  const bvecs = value.bvecs;
  return (
    numberOrNull(value.ret) &&
    numberOrNull(value.bytes) &&
    numberOrNull(value.pinned) &&
    numberOrNull(value.unpins) &&
    (bvecs === undefined || (Array.isArray(bvecs) && bvecs.every((b) => isRecord(b) && isCount(b.idx) && typeof b.offset === 'number' && typeof b.len === 'number' && (b.page === null || typeof b.page === 'string')))) &&
    (value.pinRounds === undefined || (Array.isArray(value.pinRounds) && value.pinRounds.every((r) => isRecord(r) && typeof r.start === 'string' && typeof r.ret === 'number'))) &&
    (value.differences === undefined || (Array.isArray(value.differences) && value.differences.every((d) => typeof d === 'string'))) &&
    (value.variant === undefined || (isRecord(value.variant) && typeof value.variant.reason === 'string' && (value.variant.warning === null || typeof value.variant.warning === 'string')))
  );
}

function isPaging(value: unknown, result: unknown): boolean {
  if (value === undefined) return true;
  return isRecord(value) && Number.isInteger(value.id) && isCount(value.total) && isRecord(result) && Array.isArray(result.bvecs) && value.total >= result.bvecs.length;
}

function isReplayResult(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.ret === 'number' &&
    (value.bytes === null || typeof value.bytes === 'number') &&
    Array.isArray(value.bvecs) &&
    value.bvecs.every(isBvec) &&
    Array.isArray(value.pages) &&
    Array.isArray(value.steps) &&
    Array.isArray(value.anomalies) &&
    Array.isArray(value.log) &&
    isRecord(value.call)
  );
}

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (!isRecord(value) || value.v !== WEBVIEW_PROTOCOL_VERSION) return false;
  switch (value.type) {
    case 'showReplay':
      return typeof value.title === 'string' && isReplayResult(value.result) && isObserved(value.observed) && isPaging(value.paging, value.result);
    case 'showError':
      return typeof value.message === 'string';
    case 'bvecRows':
      return Number.isInteger(value.id) && isCount(value.start) && Array.isArray(value.bvecs) && value.bvecs.every(isBvec);
    case 'highlightStep':
      return Number.isInteger(value.index) && (value.index as number) >= 0;
    case 'showTrace':
      return typeof value.title === 'string' && isOverview(value.overview);
    case 'overviewBins':
      return isOverview(value.overview);
    case 'traceCallRows':
      return (
        Number.isInteger(value.traceId) &&
        Number.isInteger(value.query) &&
        isCount(value.start) &&
        (value.total === null || isCount(value.total)) &&
        Array.isArray(value.calls) &&
        value.calls.every(isCallSummary)
      );
    case 'showComparison':
      return typeof value.title === 'string' && Array.isArray(value.results) && value.results.length > 0 && value.results.every(isReplayResult);
    default:
      return false;
  }
}

/** A webview's saved state, as VS Code hands it back (it may come from an older build). */
export function isSavedState(value: unknown): value is SavedState {
  return isRecord(value) && isHostToWebview(value.view) && (value.step === null || (Number.isInteger(value.step) && (value.step as number) >= 0));
}
