// bpftrace output: the text of Pinscope's script (and of user scripts that
// print "NAME key=value …" lines), and the same inside `-f json` records.
import { parseFields, type EventKind, type TraceEvent } from '../events';
import type { LineParser } from './ftrace';

const NAMES: ReadonlyArray<[RegExp, EventKind]> = [
  [/^(xui_iov|iov|seg(ment)?)$/, 'call-iov-segment'],
  [/^(xui_bvec|bvec)$/, 'call-bvec'],
  [/^(xui_entry|E|entry|neui_entry)$/, 'call-entry'],
  [/^(xui_exit|X|exit|neui_exit)$/, 'call-exit'],
  [/^(pupf_entry|pin_entry|gup_entry)$/, 'pin-entry'],
  [/^(pupf_exit|pin_exit|gup_exit)$/, 'pin-exit'],
  [/^(unpin|unpin_page|xui_unpin)$/, 'unpin'],
];

function number(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export class BpftraceParser implements LineParser {
  readonly keywords = null;

  constructor(private readonly json: boolean) {}

  parse(text: string, line: number): TraceEvent[] | string {
    if (!this.json) return this.textLine(text, line);
    const trimmed = text.trim();
    if (trimmed === '') return [];
    let record: { type?: unknown; data?: unknown };
    try {
      record = JSON.parse(trimmed) as { type?: unknown; data?: unknown };
    } catch {
      return 'not a JSON record';
    }
    if (record.type === 'lost_events') {
      const data = record.data as { events?: number } | undefined;
      return [{ kind: 'lost', line, pid: null, comm: null, cpu: null, ts: null, fields: {}, count: data?.events ?? 0 }];
    }
    if (record.type !== 'printf' || typeof record.data !== 'string') return [];
    return record.data
      .split('\n')
      .filter((part) => part.trim() !== '')
      .flatMap((part) => {
        const events = this.textLine(part, line);
        return typeof events === 'string' ? [] : events;
      });
  }

  private textLine(text: string, line: number): TraceEvent[] | string {
    const lost = /^Lost (\d+) events/.exec(text);
    if (lost) return [{ kind: 'lost', line, pid: null, comm: null, cpu: null, ts: null, fields: {}, count: Number(lost[1]) }];
    const space = text.indexOf(' ');
    const name = space < 0 ? text.trim() : text.slice(0, space);
    const kind = NAMES.find(([pattern]) => pattern.test(name))?.[1];
    if (!kind) return [];
    const fields = parseFields(text.slice(space + 1));
    // Pinscope's script prints pid= on every line (tid= only on some): key by pid.
    const pid = number(fields.pid) ?? number(fields.tid);
    if (pid === null) return `${name} line without pid= or tid=`;
    const ts = number(fields.ts);
    return [
      {
        kind,
        line,
        pid,
        comm: fields.comm ?? null,
        cpu: number(fields.cpu),
        ts: ts === null ? null : ts / 1e9,
        fields,
        name,
      },
    ];
  }
}
