// Which format a log is in, from its first lines (the user can override).
import type { LineParser } from './formats/ftrace';
import { BpftraceParser } from './formats/bpftrace';
import { FtraceParser } from './formats/ftrace';
import { FunctionGraphParser } from './formats/function-graph';

export const FORMATS = ['kprobe', 'fprobe', 'function', 'fgraph', 'tracecmd', 'bpftrace', 'bpftrace-json'] as const;
export type TraceFormat = (typeof FORMATS)[number];

/** Guesses the format from the first lines; null when nothing looks like a trace. */
export function detectFormat(lines: readonly string[]): TraceFormat | null {
  const text = lines.join('\n');
  if (lines.some((l) => /^\s*\{"type":\s*"/.test(l))) return 'bpftrace-json';
  if (/^(Attaching \d+ probes|Attached \d+ probes|pinscope-bt )/m.test(text) || /^(xui_entry|xui_exit|pupf_entry) \S+=/m.test(text)) return 'bpftrace';
  if (/^cpus=\d+/m.test(text) || /^\s*\S+-\d+\s+\[\d{3}\]\s+\d+\.\d+:\s+\w+:\s{2,}/m.test(text)) return 'tracecmd';
  if (/^# tracer: function_graph/m.test(text) || /^\s*(\d+\.\d+\s*\|\s*)?\d+\)\s.*\|/m.test(text)) return 'fgraph';
  if (/^# tracer: function\b/m.test(text) || /^\s*\S.*-\d+\s+\[\d+\].*: [A-Za-z_][\w.]* <-\S+$/m.test(text)) return 'function';
  if (/\+0x[0-9a-f]+\/0x[0-9a-f]+\)/.test(text) || /^# tracer: nop/m.test(text) || /^\s*\S.*-\d+\s+\[\d+\]/m.test(text)) {
    return /extraction_flags=|%return/.test(text) ? 'fprobe' : 'kprobe';
  }
  return null;
}

export function parserFor(format: TraceFormat): LineParser {
  switch (format) {
    case 'bpftrace':
      return new BpftraceParser(false);
    case 'bpftrace-json':
      return new BpftraceParser(true);
    case 'fgraph':
      return new FunctionGraphParser();
    case 'tracecmd':
      return new FtraceParser(null);
    default:
      return new FtraceParser();
  }
}
