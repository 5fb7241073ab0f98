// tracefs `trace` / `trace_pipe` text (nop with probe events, function
// tracer) and `trace-cmd report` text: "COMM-PID [CPU] FLAGS TS: BODY".
// Both header variants (with or without irq-info and tgid columns) and
// trace-cmd's own columns (no flags, padded event names, raw hex addresses).
import { parseFields, PIN, TARGET, UNPIN, type TraceEvent } from '../events';
import { GraphTracker } from './graph';
import { parseProbeBody } from './probe-body';

export interface LineParser {
  /** Events the line carries; [] when irrelevant; a reason when it looked relevant but could not be read. */
  parse(text: string, line: number): TraceEvent[] | string;
}

const PREFIX = /^\s*(.*?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+(?:([.A-Za-z0-9]{3,6})\s+)?(\d+\.\d+):\s+(.*)$/;
const LOST = /^\s*CPU:\s*(\d+)\s+\[(?:LOST\s+(\d+)\s+EVENTS|(\d+)\s+EVENTS DROPPED)\]/;
/** The cheap test for lines worth a regex at all. */
const RELEVANT = /netfs_extract_user_iter|pin_user_pages|unpin_user_page|tracing_mark_write|LOST|DROPPED|funcgraph_|: \(|xui|pupf|unpin/;

export class FtraceParser implements LineParser {
  private readonly graph = new GraphTracker();

  parse(text: string, line: number): TraceEvent[] | string {
    if (text.startsWith('#') || text.length === 0) return [];
    const lost = LOST.exec(text);
    if (lost) {
      const count = Number(lost[2] ?? lost[3]);
      return [{ kind: 'lost', line, pid: null, comm: null, cpu: Number(lost[1]), ts: null, fields: {}, count }];
    }
    if (!RELEVANT.test(text)) return [];
    const m = PREFIX.exec(text);
    if (!m) return text.startsWith('cpus=') || text.includes('buffer started') ? [] : 'not a trace line (no "COMM-PID [CPU] … TIMESTAMP:" prefix)';
    const [, comm, pid, cpu, , ts, body] = m;
    const base = { line, pid: Number(pid), comm: comm!.trim(), cpu: Number(cpu), ts: Number(ts) };
    return this.body(body!, base);
  }

  private body(body: string, base: Omit<TraceEvent, 'kind' | 'fields'>): TraceEvent[] | string {
    // Function tracer: "func <-parent".
    const fn = /^([A-Za-z_][\w.]*) <-(\S+)$/.exec(body);
    if (fn) {
      const [, name, parent] = fn;
      if (name === TARGET) return [{ ...base, kind: 'call-open', fields: {}, caller: parent }];
      if (name === PIN) return [{ ...base, kind: 'pin-entry', fields: {}, name: 'function', caller: parent }];
      if (UNPIN.test(name!)) return [{ ...base, kind: 'unpin', fields: {}, name }];
      return [];
    }
    const colon = body.indexOf(':');
    if (colon < 0) return [];
    const name = body.slice(0, colon).trim();
    const rest = body.slice(colon + 1).trim();
    if (name === 'tracing_mark_write' || name === 'print') {
      const text = rest.replace(/^tracing_mark_write:\s*/, '');
      return [{ ...base, kind: 'marker', fields: parseFields(text), text }];
    }
    if (name === 'funcgraph_entry' || name === 'funcgraph_exit') {
      const bar = rest.indexOf('|');
      return this.graphEvents(String(base.pid), bar >= 0 ? rest.slice(bar + 1) : rest, base);
    }
    const probe = parseProbeBody(name, rest);
    if (!probe) return [];
    return [{ ...base, kind: probe.kind, fields: probe.fields, name, ...(probe.caller ? { caller: probe.caller } : {}) }];
  }

  private graphEvents(key: string, body: string, base: Omit<TraceEvent, 'kind' | 'fields'>): TraceEvent[] {
    const steps = this.graph.step(key, body);
    if (!steps) return [];
    return (Array.isArray(steps) ? steps : [steps]).map((s) => ({ ...base, kind: s.kind, fields: {}, ...(s.name ? { name: s.name } : {}) }));
  }
}
