// tracefs `trace` / `trace_pipe` text (nop with probe events, function
// tracer) and `trace-cmd report` text: "COMM-PID [CPU] FLAGS TS: BODY".
// Both header variants (with or without irq-info and tgid columns) and
// trace-cmd's own columns (no flags, padded event names, raw hex addresses).
import { makeEvent, parseFields, PIN, TARGET, UNPIN, type TraceEvent } from '../events';
import { matchPrefix, UNSURE, type PrefixMatch } from './ftrace-prefix';
import { GraphTracker } from './graph';
import { parseProbeBody } from './probe-body';

export interface LineParser {
  /** Events the line carries; [] when irrelevant; a reason when it looked relevant but could not be read. */
  parse(text: string, line: number): TraceEvent[] | string;
  /** Every relevant line holds one of these (null: any line may matter, e.g. function_graph nesting). */
  readonly keywords: readonly string[] | null;
}

/**
 * What a relevant tracefs probe, function-tracer or marker line always
 * contains. The reader scans the file once per keyword with a native search
 * whose speed depends on how rare the keyword's first byte is, so each is a
 * short piece starting with an uncommon letter: "user_" (netfs_extract_user_iter,
 * pin_user_pages_fast, unpin_user_page(s)), "bvec" (iov_iter_bvec), "g_mark"
 * (tracing_mark_write: not "k_write", as every kworker line has a k) and
 * "EVENTS" ("[LOST n EVENTS]", "[n EVENTS DROPPED]"). Each is shorter than 7
 * bytes: Node searches a longer needle another way, measured 3-10× slower
 * here. A false hit only costs parsing one more line (the parser's own test
 * comes next).
 */
export const FTRACE_KEYWORDS = ['user_', 'bvec', 'g_mark', 'EVENTS'] as const;

/**
 * "COMM-PID [CPU] FLAGS TS: " from the first "-PID" that fits: COMM is what
 * comes before it (it may hold spaces and dashes), the body what follows.
 * Unanchored, so the engine jumps to each '-' instead of trying every length
 * of COMM; the same leftmost match as an anchored lazy COMM.
 */
export const PREFIX = /-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+(?:([.A-Za-z0-9]{3,6})\s+)?(\d+\.\d+):\s+/;
const LOST = /^\s*CPU:\s*(\d+)\s+\[(?:LOST\s+(\d+)\s+EVENTS|(\d+)\s+EVENTS DROPPED)\]/;
/** The cheap test for lines worth a regex at all, after the probe location ": (" (tested first, with includes). */
const RELEVANT = /netfs_extract_user_iter|pin_user_pages|unpin_user_page|tracing_mark_write|LOST|DROPPED|funcgraph_|xui|pupf|unpin/;

export class FtraceParser implements LineParser {
  private readonly graph = new GraphTracker();
  private readonly prefix: PrefixMatch = { index: 0, end: 0, pid: 0, cpu: 0, ts: 0 };

  /** trace-cmd reports may hold function_graph events: their nesting needs every line. */
  /** @param byHand read the prefix by hand (ftrace-prefix.ts); false: by the regex alone (the tests compare the two). */
  constructor(
    readonly keywords: readonly string[] | null = FTRACE_KEYWORDS,
    private readonly byHand = true,
  ) {}

  parse(text: string, line: number): TraceEvent[] | string {
    if (text.length === 0 || text.charCodeAt(0) === 35 /* # */) return [];
    // A probe line's location "NAME: (" answers at once (and is never a lost-events notice); the regexes are for the other kinds.
    if (!text.includes(': (')) {
      const lost = text.includes('EVENTS') ? LOST.exec(text) : null;
      if (lost) return [makeEvent('lost', line, null, null, Number(lost[1]), null, {}, undefined, undefined, Number(lost[2] ?? lost[3]))];
      if (!RELEVANT.test(text)) return [];
    }
    const found = this.byHand ? matchPrefix(text, this.prefix) : UNSURE;
    if (found === true) {
      const p = this.prefix;
      return this.body(text.slice(p.end), line, p.pid, text.slice(0, p.index).trim(), p.cpu, p.ts);
    }
    const m = PREFIX.exec(text);
    if (!m) return text.startsWith('cpus=') || text.includes('buffer started') ? [] : 'not a trace line (no "COMM-PID [CPU] … TIMESTAMP:" prefix)';
    const comm = text.slice(0, m.index).trim();
    const body = text.slice(m.index + m[0].length);
    return this.body(body, line, Number(m[1]), comm, Number(m[2]), Number(m[4]));
  }

  private body(body: string, line: number, pid: number, comm: string, cpu: number, ts: number): TraceEvent[] | string {
    const colon = body.indexOf(':');
    const arrow = body.indexOf(' <-');
    // Function tracer: "func <-parent" (no event name before it).
    if (arrow > 0 && (colon < 0 || colon > arrow)) {
      const name = body.slice(0, arrow);
      const parent = body.slice(arrow + 3).trim();
      if (name === TARGET) return [makeEvent('call-open', line, pid, comm, cpu, ts, {}, undefined, parent)];
      if (name === PIN) return [makeEvent('pin-entry', line, pid, comm, cpu, ts, {}, 'function', parent)];
      if (UNPIN.test(name)) return [makeEvent('unpin', line, pid, comm, cpu, ts, {}, name)];
      return [];
    }
    if (colon < 0) return [];
    const name = body.slice(0, colon).trim();
    const rest = body.slice(colon + 1).trim();
    if (name === 'tracing_mark_write' || name === 'print') {
      const text = rest.replace(/^tracing_mark_write:\s*/, '');
      const marker = makeEvent('marker', line, pid, comm, cpu, ts, parseFields(text));
      return [{ ...marker, text }];
    }
    if (name === 'funcgraph_entry' || name === 'funcgraph_exit') {
      const bar = rest.indexOf('|');
      const steps = this.graph.step(String(pid), bar >= 0 ? rest.slice(bar + 1) : rest);
      if (!steps) return [];
      return (Array.isArray(steps) ? steps : [steps]).map((s) => makeEvent(s.kind, line, pid, comm, cpu, ts, {}, s.name));
    }
    const probe = parseProbeBody(name, rest);
    if (!probe) return [];
    return [makeEvent(probe.kind, line, pid, comm, cpu, ts, probe.fields, name, probe.caller)];
  }
}
