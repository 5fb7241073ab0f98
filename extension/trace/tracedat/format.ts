// The event format files a trace.dat stores (tracefs events/*/*/format):
// name, ID, the fields with offset, size and signedness, and the print
// format. A file that does not parse is reported with its event and line.
import { DatError } from './bytes';

export interface Field {
  readonly name: string;
  /** The C type as written ("unsigned long", "__data_loc char[]", "u8"). */
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  readonly signed: boolean;
  /** `__data_loc`: the field holds (length << 16 | offset) of bytes elsewhere in the record. */
  readonly dynamic: boolean;
  /** Element count for fixed arrays ("u64 a[4]"), else 0. */
  readonly elements: number;
}

export interface EventFormat {
  readonly id: number;
  readonly system: string;
  readonly name: string;
  readonly fields: readonly Field[];
  /** Fields by name (common_* included). */
  readonly byName: ReadonlyMap<string, Field>;
  /** The print fmt line as written after "print fmt: " (may be empty). */
  readonly printFmt: string;
}

const FIELD = /^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);(?:\s*signed:(-?\d+);)?/;

/** Parses one format file; `where` names it in messages (e.g. "event format #3 of system probes"). */
export function parseFormat(text: string, system: string, where: string): EventFormat {
  const lines = text.split('\n');
  let name: string | null = null;
  let id: number | null = null;
  let printFmt = '';
  const fields: Field[] = [];
  const fail = (line: number, why: string): never => {
    throw new DatError(`${where}${name ? ` (${system}/${name})` : ''}, line ${line + 1}: ${why}`);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('name:')) name = line.slice(5).trim();
    else if (line.startsWith('ID:')) {
      const n = Number(line.slice(3).trim());
      if (!Number.isInteger(n) || n < 0 || n > 0xffff) fail(i, `bad ID "${line.slice(3).trim()}"`);
      id = n;
    } else if (line.startsWith('print fmt:')) printFmt = line.slice(10).trim();
    else if (/^\s*field:/.test(line)) {
      const m = FIELD.exec(line);
      if (!m) fail(i, `a field line that does not parse: ${JSON.stringify(line.trim().slice(0, 80))}`);
      fields.push(field(m![1]!, Number(m![2]), Number(m![3]), m![4] === '1', () => fail(i, `no field name in ${JSON.stringify(m![1])}`)));
    }
  }
  if (name === null || name === '') fail(0, 'no "name:" line');
  if (id === null) fail(0, 'no "ID:" line');
  return { id: id!, system, name: name!, fields, byName: new Map(fields.map((f) => [f.name, f])), printFmt };
}

function field(decl: string, offset: number, size: number, signed: boolean, bad: () => never): Field {
  const d = decl.trim();
  const dynamic = d.startsWith('__data_loc ') || d.startsWith('__rel_loc ');
  // "TYPE NAME", "TYPE NAME[N]" or "__data_loc TYPE[] NAME".
  const m = /^(.*?)([A-Za-z_]\w*)\s*(?:\[(\w*)\])?$/.exec(d);
  if (!m || m[1]!.trim() === '') bad();
  const elements = m![3] && /^\d+$/.test(m![3]) ? Number(m![3]) : 0;
  return { name: m![2]!, type: m![1]!.trim() + (m![3] !== undefined ? '[]' : ''), offset, size, signed, dynamic, elements };
}
