// Records -> the events the text parsers make, so reconstruction does not
// know where they came from. From the raw fields: function_graph nesting by
// the recorded depth, probe kinds by the function the probe IP falls in
// (kallsyms), fields rendered by the event's own print fmt, markers from
// the print event's buffer, comm from the saved cmdlines.
import { makeEvent, parseFields, PIN, TARGET, UNPIN, type TraceEvent } from '../events';
import { classifyProbe, type ProbeSite } from '../formats/probe-body';
import type { DatFile } from './file';
import type { EventFormat, Field } from './format';
import { compilePrinter, type Symbolize } from './print-format';
import { readBytes, readInt, readSmall, readWords, type RecordBytes } from './record';

type Handler = (rec: RecordBytes, pid: number, line: number, cpu: number, ts: number, out: TraceEvent[]) => void;

const TWO_32 = 2n ** 32n;

export class EventMaker {
  private readonly handlers = new Map<number, Handler | null>();
  /** Per task: the function_graph depth at which the target call is open. */
  private readonly graphOpen = new Map<number, number>();
  /** Formats that could not be fully rendered, with why (reported once each). */
  readonly problems = new Map<string, string>();
  private readonly symbolize: Symbolize;

  constructor(
    private readonly file: DatFile,
    private readonly decode: (bytes: Uint8Array) => string,
  ) {
    this.symbolize = (address, withOffset) => {
      const s = this.symbol(address);
      if (!s) return null;
      return withOffset ? `${s.name}+0x${s.offset.toString(16)}${s.module ? ` [${s.module}]` : ''}` : s.name;
    };
  }

  private symbol(address: bigint): { name: string; module: string | null; offset: number } | null {
    return this.file.symbols.lookup(Number(address / TWO_32), Number(address % TWO_32));
  }

  private name(address: bigint): string {
    return this.symbol(address)?.name ?? address.toString(16);
  }

  /** The function name of an 8-byte address field (function_graph's hot path: no bigint). */
  private readonly words = { hi: 0, lo: 0 };
  private functionName(rec: RecordBytes, field: Field): string | null {
    if (!readWords(rec, field, this.words)) return null;
    const { hi, lo } = this.words;
    return this.file.symbols.lookup(hi, lo)?.name ?? (hi * 2 ** 32 + lo).toString(16);
  }

  comm(pid: number): string {
    if (pid === 0) return '<idle>';
    return this.file.cmdlines.get(pid) ?? '<...>';
  }

  /** Appends the events of one record to `out`. Returns false when no format describes its type. */
  make(rec: RecordBytes, line: number, cpu: number, ts: number, out: TraceEvent[]): boolean {
    if (rec.length < 8) return false;
    const id = rec.view.getUint16(rec.start, true);
    let handler = this.handlers.get(id);
    if (handler === undefined) {
      const format = this.file.events.get(id);
      handler = format ? this.compile(format) : null;
      if (!format) {
        this.handlers.set(id, null);
        return false;
      }
      this.handlers.set(id, handler);
    }
    if (!handler) return true;
    const pid = rec.view.getInt32(rec.start + 4, true);
    handler(rec, pid, line, cpu, ts, out);
    return true;
  }

  private compile(format: EventFormat): Handler | null {
    const f = (name: string): Field | undefined => format.byName.get(name);
    if (format.system === 'ftrace') {
      if (format.name === 'funcgraph_entry' && f('func') && f('depth')) return this.graphEntry(f('func')!, f('depth')!);
      if (format.name === 'funcgraph_exit' && f('func') && f('depth')) return this.graphExit(f('func')!, f('depth')!);
      if (format.name === 'function' && f('ip') && f('parent_ip')) return this.functionEntry(f('ip')!, f('parent_ip')!);
      if (format.name === 'print' && f('ip') && f('buf')) return this.marker(f('ip')!, f('buf')!);
      return null;
    }
    const ip = f('__probe_ip');
    const func = f('__probe_func');
    const retIp = f('__probe_ret_ip');
    const probe = ip !== undefined || (func !== undefined && retIp !== undefined);
    // Other events matter only under the names Pinscope's recipes give them (as in the text parsers).
    if (!probe && classifyProbe(format.name, {}, {}) === null && !/iov/.test(format.name)) return null;
    const printer = compilePrinter(format, this.symbolize, this.decode);
    if (printer.unsupported) this.problems.set(`${format.system}/${format.name}`, printer.unsupported);
    return (rec, pid, line, cpu, ts, out) => {
      const fields = parseFields(stripLocation(printer.render(rec)));
      let at: ProbeSite = {};
      if (ip) {
        const address = readInt(rec, ip);
        if (address !== null) at = { site: this.symbol(BigInt.asUintN(64, address))?.name };
      } else if (func && retIp) {
        const fn = readInt(rec, func);
        const ret = readInt(rec, retIp);
        // The caller as trace-cmd prints it: the raw return address (it may be a trampoline such as return_to_handler).
        if (fn !== null && ret !== null) at = { returned: this.symbol(BigInt.asUintN(64, fn))?.name, caller: '0x' + BigInt.asUintN(64, ret).toString(16) };
      }
      const kind = classifyProbe(format.name, fields, at);
      if (kind) out.push(makeEvent(kind.kind, line, pid, this.comm(pid), cpu, ts, kind.fields, format.name, kind.caller));
    };
  }

  private graphEntry(func: Field, depth: Field): Handler {
    return (rec, pid, line, cpu, ts, out) => {
      const d = readSmall(rec, depth);
      if (d === null) return;
      const open = this.graphOpen.get(pid);
      // Only the target's entry and its direct children matter: name nothing else.
      if (open !== undefined && d !== open + 1) return;
      const name = this.functionName(rec, func);
      if (name === null) return;
      if (open === undefined) {
        if (name === TARGET) {
          this.graphOpen.set(pid, d);
          out.push(makeEvent('call-open', line, pid, this.comm(pid), cpu, ts, {}, name));
        }
        return;
      }
      const comm = this.comm(pid);
      out.push(makeEvent('child', line, pid, comm, cpu, ts, {}, name));
      if (name === PIN) out.push(makeEvent('pin-entry', line, pid, comm, cpu, ts, {}, 'graph'));
      if (UNPIN.test(name)) out.push(makeEvent('unpin', line, pid, comm, cpu, ts, {}, 'graph'));
    };
  }

  private graphExit(func: Field, depth: Field): Handler {
    return (rec, pid, line, cpu, ts, out) => {
      const open = this.graphOpen.get(pid);
      const d = readSmall(rec, depth);
      if (open === undefined || d === null || d > open) return;
      // The exit at the call's own depth closes it (a shallower one means its exit was lost).
      this.graphOpen.delete(pid);
      out.push(makeEvent('call-close', line, pid, this.comm(pid), cpu, ts, {}, this.functionName(rec, func) ?? undefined));
    };
  }

  private functionEntry(ip: Field, parentIp: Field): Handler {
    return (rec, pid, line, cpu, ts, out) => {
      const address = readInt(rec, ip);
      if (address === null) return;
      const name = this.name(BigInt.asUintN(64, address));
      const parentAddress = readInt(rec, parentIp);
      const parent = parentAddress === null ? undefined : this.name(BigInt.asUintN(64, parentAddress));
      const comm = this.comm(pid);
      if (name === TARGET) out.push(makeEvent('call-open', line, pid, comm, cpu, ts, {}, undefined, parent));
      else if (name === PIN) out.push(makeEvent('pin-entry', line, pid, comm, cpu, ts, {}, 'function', parent));
      else if (UNPIN.test(name)) out.push(makeEvent('unpin', line, pid, comm, cpu, ts, {}, name));
    };
  }

  private marker(ip: Field, buf: Field): Handler {
    return (rec, pid, line, cpu, ts, out) => {
      const address = readInt(rec, ip);
      const from = address === null ? null : this.name(BigInt.asUintN(64, address));
      let text = this.decode(readBytes(rec, buf, true)).trim();
      if (from && from !== 'tracing_mark_write') text = `${from}: ${text}`;
      const event = makeEvent('marker', line, pid, this.comm(pid), cpu, ts, parseFields(text));
      out.push({ ...event, text });
    };
  }
}

/** A probe's rendered text without its "(location) " prefix. */
function stripLocation(text: string): string {
  if (!text.startsWith('(')) return text;
  const close = text.indexOf(')');
  return close < 0 ? text : text.slice(close + 1).trimStart();
}

