// Runtime checks for every message that crosses the webview boundary: a
// message is only used after its guard accepted it.
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type WebviewToHost } from './webview';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (!isRecord(value) || value.v !== WEBVIEW_PROTOCOL_VERSION) return false;
  switch (value.type) {
    case 'ready':
      return true;
    case 'rendered':
      return typeof value.ret === 'number' && typeof value.bvecs === 'number' && typeof value.pages === 'number';
    case 'selectStep':
      return Number.isInteger(value.index) && (value.index as number) >= 0;
    case 'openTraceCall':
      return Number.isInteger(value.traceId) && Number.isInteger(value.index);
    default:
      return false;
  }
}

function isReplayResult(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.ret === 'number' &&
    (value.bytes === null || typeof value.bytes === 'number') &&
    Array.isArray(value.bvecs) &&
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
      return typeof value.title === 'string' && isReplayResult(value.result);
    case 'showError':
      return typeof value.message === 'string';
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
