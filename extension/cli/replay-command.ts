// `pinscope replay FILE`: every netfs_extract_user_iter call in a trace,
// replayed through the model and compared with what the kernel did.
import { parseArgs } from 'node:util';
import { describeCall, VARIANTS } from '../engine';
import { kernelProfile } from '../engine/kernel-profile';
import { readTraceFile } from '../node/trace-file';
import type { TraceDatSummary } from '../trace/tracedat';
import type { VariantId } from '../protocol/dto';
import type { VariantDecisionDto } from '../protocol/trace-calls';
import { FORMATS, printable, printableJson, replayTrace, TraceError, type TraceCallResult, type TraceFormat } from '../trace';

export class UsageError extends Error {}

const HEADER = `${'line'.padStart(7)}  ${'pid'.padStart(6)} ${'comm'.padEnd(16)} ${'input'.padEnd(20)} ${'kernel'.padStart(12)} ${'model'.padStart(12)}  verdict`;

/** Lines for the terminal: whatever a trace holds (a task's name is any bytes) shows escaped, never raw. */
function write(stream: NodeJS.WriteStream, lines: readonly string[]): void {
  stream.write(lines.map(printable).join('\n') + '\n');
}

/** One line of the table: made as the call arrives, so the replay need not be kept. */
function row(c: TraceCallResult): string {
  const input = c.input ? describeCall(c.input) : '?';
  const kernel = c.observed.ret === null ? '?' : `${c.observed.ret}${c.observed.bytes !== null ? `/${c.observed.bytes}` : ''}`;
  const model = c.predicted ? `${c.predicted.ret}${c.predicted.bytes !== null ? `/${c.predicted.bytes}` : ''}` : '?';
  const why = c.verdict === 'mismatch' ? c.differences.join('; ') : c.verdict === 'incomplete' ? `missing: ${c.missing.join(', ')}` : '';
  // Printable as a whole (escaping twice changes nothing): whoever writes the row writes no raw control byte.
  return printable(`${String(c.line).padStart(7)}  ${String(c.pid ?? '?').padStart(6)} ${printable(c.comm ?? '?').padEnd(16)} ${input.padEnd(20)} ${kernel.padStart(12)} ${model.padStart(12)}  ${c.verdict}${why ? ` (${why})` : ''}`);
}

/** Which variant replayed the trace and why, and any call that disagrees. */
function variantLines(d: VariantDecisionDto): string[] {
  const lines = [`variant ${d.variant} (${d.by}): ${d.reason}`];
  if (d.contradiction) lines.push(`warning: ${d.contradiction}`);
  if (d.conflict) lines.push(`warning: ${d.conflict}`);
  return lines;
}

export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'auto' },
      variant: { type: 'string', default: 'auto' },
      kernel: { type: 'string' },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('replay: give exactly one trace FILE');
  const format = values.format as TraceFormat | 'auto';
  if (format !== 'auto' && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: expected auto or one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const variant = values.variant as VariantId | 'auto';
  if (variant !== 'auto' && !VARIANTS.includes(variant)) throw new UsageError(`--variant: expected auto or one of ${VARIANTS.join(', ')}`);
  if (values.kernel !== undefined && !kernelProfile(values.kernel)) throw new UsageError(`--kernel: ${JSON.stringify(values.kernel)} is not a kernel with netfs_extract_user_iter (6.3 or later)`);

  const file = positionals[0]!;
  // JSON output carries every replay; the table keeps only its lines.
  const calls: TraceCallResult[] = [];
  const rows: string[] = [];
  const verdicts = { match: 0, mismatch: 0, incomplete: 0 };
  let outcome;
  try {
    outcome = await replayTrace({ variant, kernel: values.kernel ?? null }, (replay) => {
      // A second reading (the calls chose another variant) starts afresh.
      calls.length = 0;
      rows.length = 0;
      Object.assign(verdicts, { match: 0, mismatch: 0, incomplete: 0 });
      return readTraceFile(file, {
        format,
        onCall: (call, trace) => {
          const result = replay(call, trace);
          verdicts[result.verdict]++;
          if (values.json) calls.push(result);
          else rows.push(row(result));
        },
      });
    });
  } catch (error) {
    if (error instanceof TraceError) {
      write(process.stderr, [`pinscope: ${error.message}`]);
      return 2;
    }
    throw error;
  }
  const { summary, decision } = outcome;
  const mismatches = verdicts.mismatch;
  if (values.json) {
    const out = {
      file,
      format: summary.format,
      kernelRelease: summary.kernelRelease,
      kernel: outcome.kernel,
      variant: decision,
      calls: calls.map(({ lines: _lines, ...rest }) => rest),
      skipped: summary.skipped,
      lost: summary.lost,
    };
    process.stdout.write(printableJson(JSON.stringify(out, null, 2)) + '\n');
  } else {
    // A trace.dat has records, not lines: its "line" numbers count records in time order.
    const dat = 'dat' in summary ? (summary as TraceDatSummary).dat : null;
    const size = dat ? `${summary.lines} events (trace.dat v${dat.version}, ${dat.compression})` : `${summary.lines} lines`;
    const lines = [`${file}: ${summary.format}, ${size}, ${rows.length} call(s)`, ...variantLines(decision)];
    if (rows.length) lines.push(HEADER, ...rows);
    lines.push(`${verdicts.match} match, ${mismatches} mismatch, ${verdicts.incomplete} incomplete`);
    if (summary.skipped.lines) {
      lines.push(`${summary.skipped.lines} line(s) could not be read, e.g. ${summary.skipped.examples.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}`);
    }
    for (const lost of summary.lost) lines.push(`line ${lost.line}: ${lost.count} events lost on CPU ${lost.cpu ?? '?'}`);
    write(process.stdout, lines);
  }
  return values.strict && mismatches > 0 ? 1 : 0;
}
