// Runtime checks for every message that crosses the webview boundary: a
// message is only used after its guard accepted it.
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
    default:
      return false;
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
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
    case 'showTraceCalls':
      return typeof value.title === 'string' && Number.isInteger(value.traceId) && Array.isArray(value.calls);
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
