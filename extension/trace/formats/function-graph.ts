// function_graph tracer text: "[ABSTIME |] CPU) [PROC |] [DURATION] | BODY",
// with trace_marker text and probe events shown as /* comments */. Without
// the proc column the task is unknown; nesting is then followed per CPU.
import { parseFields, type TraceEvent } from '../events';
import type { LineParser } from './ftrace';
import { GraphTracker } from './graph';
import { parseProbeBody } from './probe-body';

const LINE = /^\s*(?:(\d+\.\d+)\s*\|\s*)?(\d+)\)\s+(?:(.+?)-(\d+)\s+\|)?\s*(?:[+!#*@$]?\s*[\d.]+ us\s*)?\|(.*)$/;

export class FunctionGraphParser implements LineParser {
  private readonly graph = new GraphTracker();
  readonly keywords = null;

  parse(text: string, line: number): TraceEvent[] | string {
    if (text.startsWith('#') || text.trim() === '') return [];
    const m = LINE.exec(text);
    if (!m) {
      if (/^\s*(-{5,}|=+>|<=+|\d+\)\s+=>)/.test(text) || text.includes('buffer started')) return [];
      return text.includes('netfs_extract_user_iter') ? 'not a function_graph line' : [];
    }
    const [, ts, cpu, comm, pid, body] = m;
    const base = {
      line,
      pid: pid === undefined ? null : Number(pid),
      comm: comm?.trim() ?? null,
      cpu: Number(cpu),
      ts: ts === undefined ? null : Number(ts),
    };
    const trimmed = body!.trim();
    const comment = /^\/\*\s*(.*?)\s*\*\/$/.exec(trimmed);
    if (comment) {
      const inner = comment[1]!;
      const colon = inner.indexOf(':');
      const name = colon > 0 ? inner.slice(0, colon).trim() : '';
      const probe = /^[\w.]+$/.test(name) ? parseProbeBody(name, inner.slice(colon + 1).trim()) : null;
      if (probe) return [{ ...base, kind: probe.kind, fields: probe.fields, name, ...(probe.caller ? { caller: probe.caller } : {}) }];
      return [{ ...base, kind: 'marker', fields: parseFields(inner), text: inner }];
    }
    const key = pid ?? `cpu${cpu}`;
    const steps = this.graph.step(key, body!);
    if (!steps) return [];
    return (Array.isArray(steps) ? steps : [steps]).map((s) => ({ ...base, kind: s.kind, fields: {}, ...(s.name ? { name: s.name } : {}) }));
  }
}
