// What every parser produces: one event per relevant trace line, in a shape
// that no longer depends on the format.

export type EventKind =
  /** netfs_extract_user_iter was entered (fields: its arguments, as recorded). */
  | 'call-entry'
  /** function_graph shows netfs_extract_user_iter entered (no arguments). */
  | 'call-open'
  /** A second entry probe carrying the iovec array (may come before call-entry). */
  | 'call-iov'
  /** One iovec segment (bpftrace prints them one per line). */
  | 'call-iov-segment'
  /** netfs_extract_user_iter returned (fields: ret and the iterators after). */
  | 'call-exit'
  /** One bio_vec of the result (bpftrace). */
  | 'call-bvec'
  /** iov_iter_bvec() building the new iterator inside the call (kernels without $argN at return). */
  | 'call-new-iter'
  | 'pin-entry'
  | 'pin-exit'
  | 'unpin'
  /** A function_graph child of the call, or a function-tracer line inside it. */
  | 'child'
  /** A function_graph call closed ("}") at the call's depth. */
  | 'call-close'
  /** trace_marker text: kept as context. */
  | 'marker'
  /** Events the kernel or the tool says it dropped. */
  | 'lost';

export interface TraceEvent {
  readonly kind: EventKind;
  /** 1-based line of the file. */
  readonly line: number;
  /** Task id, or null where the format does not show it (plain function_graph). */
  readonly pid: number | null;
  readonly comm: string | null;
  readonly cpu: number | null;
  /** Seconds. */
  readonly ts: number | null;
  /** key=value fields as printed. */
  readonly fields: Readonly<Record<string, string>>;
  /** Function name for children; the caller for returns (`<- …` / return site). */
  readonly name?: string;
  readonly caller?: string;
  /** Lost events: how many. */
  readonly count?: number;
  /** Raw text for markers. */
  readonly text?: string;
}

/** Builds an event with one fixed shape (keeps the hot path monomorphic and spread-free). */
export function makeEvent(
  kind: EventKind,
  line: number,
  pid: number | null,
  comm: string | null,
  cpu: number | null,
  ts: number | null,
  fields: Readonly<Record<string, string>>,
  name?: string,
  caller?: string,
  count?: number,
): TraceEvent {
  return { kind, line, pid, comm, cpu, ts, fields, name, caller, count };
}

/** A line that looked relevant but could not be read. */
export interface SkippedLine {
  readonly line: number;
  readonly reason: string;
}

export const TARGET = 'netfs_extract_user_iter';
export const PIN = 'pin_user_pages_fast';
export const UNPIN = /^unpin_user_page(s|s_dirty_lock)?$/;

/**
 * Keys seen lately, by a hash of their length and end letters. A key string
 * sliced afresh for every line makes V8 look it up in its string table on each
 * store; the same few keys recur on every line of a trace, so the string
 * already used is handed out again when the text matches it.
 */
const recentKeys: string[] = new Array<string>(1024).fill('');

function fieldKey(text: string, start: number, end: number): string {
  const length = end - start;
  const slot = (length * 31 + text.charCodeAt(start) * 7 + text.charCodeAt(end - 1)) & 1023;
  const known = recentKeys[slot]!;
  if (known.length === length && text.startsWith(known, start)) return known;
  const key = text.slice(start, end);
  recentKeys[slot] = key;
  return key;
}

/** key=value pairs; values run to the next space (arrays in braces kept whole). */
export function parseFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  if (text.indexOf('{') < 0 && text.indexOf('"') < 0) {
    // The common case: plain "k=v k=v", split without a regex.
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf(' ', start);
      if (end < 0) end = text.length;
      const eq = text.indexOf('=', start);
      if (eq > start && eq < end) fields[fieldKey(text, start, eq)] = text.slice(eq + 1, end);
      start = end + 1;
    }
    return fields;
  }
  const re = /([A-Za-z_][\w.>-]*)=(\{[^}]*\}|"(?:[^"\\]|\\.)*"|\S*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) fields[m[1]!] = m[2]!;
  return fields;
}
