// An event's "print fmt" turned into a renderer, as libtraceevent prints
// it: the printf string with its conversions bound to the arguments that
// are a field (REC->x, REC->x[i], casts around them, __get_str(x)). That
// covers kprobe/kretprobe/fprobe fetchargs, print (trace_marker) and the
// function events; an argument it cannot evaluate renders as "?" and the
// format is reported once as partly rendered.
import type { EventFormat, Field } from './format';
import { readBytes, readInt, type RecordBytes } from './record';

/** Names an address (%ps / %pS): "sym", or "sym+0xoff/0xsize [mod]"; null when unknown. */
export type Symbolize = (address: bigint, withOffset: boolean) => string | null;

export interface Printer {
  render(rec: RecordBytes): string;
  /** Why some argument could not be evaluated (null: every one could). */
  readonly unsupported: string | null;
}

type Arg = { kind: 'int'; field: Field; index: number } | { kind: 'str'; field: Field } | { kind: 'bad'; text: string };

interface Conversion {
  readonly literal: string;
  /** Flags, width and precision as written ("-", "08"…). */
  readonly flags: string;
  readonly width: number;
  /** Length modifier bits: 8, 16, 32 or 64. */
  readonly bits: number;
  /** d i u x X o c s p (p with its suffix letter in `pointer`). */
  readonly conv: string;
  readonly pointer: string;
  readonly arg: Arg | null;
}

/** Splits `"fmt", a, b(c, d)` into the unescaped format and the top-level arguments. */
export function splitPrintFmt(text: string): { format: string; args: string[] } | null {
  const t = text.trim();
  if (!t.startsWith('"')) return null;
  let format = '';
  let i = 1;
  for (; i < t.length && t[i] !== '"'; i++) {
    if (t[i] === '\\' && i + 1 < t.length) {
      const c = t[++i]!;
      format += c === 'n' ? '\n' : c === 't' ? '\t' : c;
    } else format += t[i];
  }
  if (i >= t.length) return null;
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of t.slice(i + 1)) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      if (current.trim()) args.push(current.trim());
      current = '';
    } else current += c;
  }
  if (current.trim()) args.push(current.trim());
  return { format, args };
}

function bindArg(text: string, format: EventFormat): Arg {
  const str = /^__get_str\(\s*(\w+)\s*\)$/.exec(text);
  if (str) {
    const field = format.byName.get(str[1]!);
    return field ? { kind: 'str', field } : { kind: 'bad', text };
  }
  // Casts like "(void *)" or "(unsigned long)" around a field do not change what is printed here.
  const m = /^(?:\([\w\s*]+\)\s*)*REC->(\w+)(?:\[(\d+)\])?$/.exec(text);
  if (m) {
    const field = format.byName.get(m[1]!);
    if (!field) return { kind: 'bad', text };
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const isString = !m[2] && (field.dynamic || field.type.startsWith('char'));
    return isString ? { kind: 'str', field } : { kind: 'int', field, index };
  }
  return { kind: 'bad', text };
}

const CONVERSION = /%([-+ #0]*)(\d*)(?:\.(\d+))?(hh|h|ll|l|L|z|j|t)?([diuxXocsp%])([sSfFxXBK]?)/g;

export function compilePrinter(format: EventFormat, symbolize: Symbolize, decode: (bytes: Uint8Array) => string): Printer {
  const split = splitPrintFmt(format.printFmt);
  if (!split) return { render: () => '', unsupported: `its print fmt does not start with a string: ${format.printFmt.slice(0, 60)}` };
  const parts: Conversion[] = [];
  let last = 0;
  let argIndex = 0;
  let unsupported: string | null = null;
  CONVERSION.lastIndex = 0;
  for (let m = CONVERSION.exec(split.format); m; m = CONVERSION.exec(split.format)) {
    const literal = split.format.slice(last, m.index);
    last = m.index + m[0].length;
    const conv = m[5]!;
    if (conv === '%') {
      parts.push({ literal: literal + '%', flags: '', width: 0, bits: 32, conv: '%', pointer: '', arg: null });
      continue;
    }
    const len = m[4];
    const bits = len === 'hh' ? 8 : len === 'h' ? 16 : len === undefined ? (conv === 'p' ? 64 : 32) : 64;
    // %p's suffix letter belongs to it; after other conversions it is literal text.
    const pointer = conv === 'p' ? m[6]! : '';
    const text = split.args[argIndex++];
    const arg = text === undefined ? ({ kind: 'bad', text: '(missing)' } as Arg) : bindArg(text, format);
    if (arg.kind === 'bad') unsupported ??= `cannot evaluate ${arg.text}`;
    parts.push({ literal, flags: m[1]!, width: Number(m[2] || 0), bits, conv, pointer, arg });
    if (conv !== 'p' && m[6]) parts.push({ literal: m[6], flags: '', width: 0, bits: 32, conv: '', pointer: '', arg: null });
  }
  const tail = split.format.slice(last);
  const render = (rec: RecordBytes): string => {
    let out = '';
    for (const part of parts) {
      out += part.literal;
      if (part.arg) out += value(part, rec, symbolize, decode);
    }
    return out + tail;
  };
  return { render, unsupported };
}

function pad(text: string, part: Conversion): string {
  if (!part.width || text.length >= part.width) return text;
  if (part.flags.includes('-')) return text.padEnd(part.width);
  return part.flags.includes('0') && part.conv !== 's' ? text.padStart(part.width, '0') : text.padStart(part.width);
}

function value(part: Conversion, rec: RecordBytes, symbolize: Symbolize, decode: (bytes: Uint8Array) => string): string {
  const arg = part.arg!;
  if (arg.kind === 'bad') return '?';
  if (arg.kind === 'str') return pad(decode(readBytes(rec, arg.field, true)), part);
  const raw = readInt(rec, arg.field, arg.index);
  if (raw === null) return '?';
  switch (part.conv) {
    case 'd':
    case 'i':
      return pad(BigInt.asIntN(part.bits, raw).toString(), part);
    case 'u':
      return pad(BigInt.asUintN(part.bits, raw).toString(), part);
    case 'x':
      return pad((part.flags.includes('#') ? '0x' : '') + BigInt.asUintN(part.bits, raw).toString(16), part);
    case 'X':
      return pad((part.flags.includes('#') ? '0X' : '') + BigInt.asUintN(part.bits, raw).toString(16).toUpperCase(), part);
    case 'o':
      return pad(BigInt.asUintN(part.bits, raw).toString(8), part);
    case 'c':
      return String.fromCharCode(Number(BigInt.asUintN(8, raw)));
    case 'p': {
      const address = BigInt.asUintN(64, raw);
      if (/[sSfF]/.test(part.pointer)) {
        const name = symbolize(address, part.pointer === 'S' || part.pointer === 'F');
        if (name) return pad(name, part);
      }
      return pad('0x' + address.toString(16), part);
    }
    default:
      return '?';
  }
}
