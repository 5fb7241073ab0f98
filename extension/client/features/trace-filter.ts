// The Traces view's filter as the user types it: "verdict:mismatch
// anomaly:any pid:4711 comm:fio size:4096-65536" (each term optional, in any
// order), and back to text. No vscode import.
import type { TraceFilterDto, TraceVerdict } from '../../protocol/lsp';

const VERDICTS: readonly TraceVerdict[] = ['match', 'mismatch', 'incomplete'];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Parses a filter; an empty text is no filter. */
export function parseTraceFilter(text: string): { filter: TraceFilterDto } | { error: string } {
  const filter: Mutable<TraceFilterDto> = {};
  for (const term of text.trim().split(/\s+/).filter(Boolean)) {
    const match = /^(verdict|anomaly|pid|comm|size):(.+)$/i.exec(term);
    if (!match) return { error: `"${term}" is not a filter term (verdict:, anomaly:, pid:, comm:, size:)` };
    const [, name, value] = match as unknown as [string, string, string];
    switch (name.toLowerCase()) {
      case 'verdict': {
        const verdicts = value.split(',');
        const wrong = verdicts.find((v) => !VERDICTS.includes(v as TraceVerdict));
        if (wrong) return { error: `verdict "${wrong}" is not one of ${VERDICTS.join(', ')}` };
        filter.verdicts = verdicts as TraceVerdict[];
        break;
      }
      case 'anomaly':
        filter.anomaly = value as TraceFilterDto['anomaly'] & string;
        break;
      case 'pid':
        if (!/^\d+$/.test(value)) return { error: `pid "${value}" is not a number` };
        filter.pid = Number(value);
        break;
      case 'comm':
        filter.comm = value;
        break;
      case 'size': {
        const size = /^(\d+)?-(\d+)?$|^(\d+)$/.exec(value);
        if (!size || value === '-') return { error: `size "${value}" is not MIN-MAX, MIN-, -MAX or N (bytes)` };
        if (size[3] !== undefined) filter.bytesMin = filter.bytesMax = Number(size[3]);
        else {
          if (size[1] !== undefined) filter.bytesMin = Number(size[1]);
          if (size[2] !== undefined) filter.bytesMax = Number(size[2]);
        }
        break;
      }
    }
  }
  return { filter };
}

/** The filter as the text that parses back to it; `none` when it is empty. */
export function describeTraceFilter(filter: TraceFilterDto, none = 'none'): string {
  const terms: string[] = [];
  if (filter.verdicts?.length) terms.push(`verdict:${filter.verdicts.join(',')}`);
  if (filter.anomaly) terms.push(`anomaly:${filter.anomaly}`);
  if (filter.pid !== undefined) terms.push(`pid:${filter.pid}`);
  if (filter.comm) terms.push(`comm:${filter.comm}`);
  if (filter.bytesMin !== undefined || filter.bytesMax !== undefined) {
    terms.push(filter.bytesMin === filter.bytesMax ? `size:${filter.bytesMin}` : `size:${filter.bytesMin ?? ''}-${filter.bytesMax ?? ''}`);
  }
  return terms.length ? terms.join(' ') : none;
}
