// `pinscope replay FILE`: every netfs_extract_user_iter call in a trace,
// replayed through the model and compared with what the kernel did. The
// table and --jsonl stream (constant memory); --json is one document.
import { parseArgs } from 'node:util';
import { describeCall, VARIANTS } from '../engine';
import { kernelProfile } from '../engine/kernel-profile';
import { readTraceFile, type ReadTraceResult } from '../node/trace-file';
import type { TraceDatSummary } from '../trace/tracedat';
import type { VariantId } from '../protocol/dto';
import type { VariantDecisionDto } from '../protocol/trace-calls';
import { decideVariant, decodingKernel, FORMATS, printable, printableJson, replayTrace, replayTraceCall, TraceError, VariantInference, type RawCall, type TraceCallResult, type TraceFormat, type TraceSummary } from '../trace';
import { StreamOut } from './output';

export class UsageError extends Error {}

export const HEADER = `${'line'.padStart(7)}  ${'pid'.padStart(6)} ${'comm'.padEnd(16)} ${'input'.padEnd(20)} ${'kernel'.padStart(12)} ${'model'.padStart(12)}  verdict`;

/** Lines for the terminal: whatever a trace holds (a task's name is any bytes) shows escaped, never raw. */
export function write(stream: NodeJS.WriteStream, lines: readonly string[]): void {
  stream.write(lines.map(printable).join('\n') + '\n');
}

/** One line of the table: made as the call arrives, so the replay need not be kept. */
export function row(c: TraceCallResult): string {
  const input = c.input ? describeCall(c.input) : '?';
  const kernel = c.observed.ret === null ? '?' : `${c.observed.ret}${c.observed.bytes !== null ? `/${c.observed.bytes}` : ''}`;
  const model = c.predicted ? `${c.predicted.ret}${c.predicted.bytes !== null ? `/${c.predicted.bytes}` : ''}` : '?';
  const why = c.verdict === 'mismatch' ? c.differences.join('; ') : c.verdict === 'incomplete' ? `missing: ${c.missing.join(', ')}` : '';
  // Printable as a whole (escaping twice changes nothing): whoever writes the row writes no raw control byte.
  return printable(`${String(c.line).padStart(7)}  ${String(c.pid ?? '?').padStart(6)} ${printable(c.comm ?? '?').padEnd(16)} ${input.padEnd(20)} ${kernel.padStart(12)} ${model.padStart(12)}  ${c.verdict}${why ? ` (${why})` : ''}`);
}

/** Which variant replayed the trace and why, and any call that disagrees. */
export function variantLines(d: VariantDecisionDto): string[] {
  const lines = [`variant ${d.variant} (${d.by}): ${d.reason}`];
  if (d.contradiction) lines.push(`warning: ${d.contradiction}`);
  if (d.conflict) lines.push(`warning: ${d.conflict}`);
  return lines;
}

/** The end of the table: verdict counts, unreadable lines, lost events (also `pinscope record`'s). */
export function summaryLines(summary: TraceSummary, verdicts: Readonly<Record<TraceCallResult['verdict'], number>>): string[] {
  const lines = [`${verdicts.match} match, ${verdicts.mismatch} mismatch, ${verdicts.incomplete} incomplete`];
  if (summary.skipped.lines) {
    lines.push(`${summary.skipped.lines} line(s) could not be read, e.g. ${summary.skipped.examples.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}`);
  }
  for (const lost of summary.lost) lines.push(`line ${lost.line}: ${lost.count} events lost on CPU ${lost.cpu ?? '?'}`);
  if (summary.late) lines.push(`${summary.late} line(s) came after their call was complete (counted, not attached)`);
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
      jsonl: { type: 'boolean', default: false },
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
  if (values.json && values.jsonl) throw new UsageError('replay: --json and --jsonl: choose one');
  const file = positionals[0]!;
  try {
    return values.json ? await wholeDocument(file, format, variant, values.kernel ?? null, values.strict!) : await streamed(file, format, variant, values.kernel ?? null, values.jsonl!, values.strict!);
  } catch (error) {
    if (error instanceof TraceError) {
      write(process.stderr, [`pinscope: ${error.message}`]);
      return 2;
    }
    throw error;
  }
}

/** --json: one document that holds every call (memory grows with the trace). */
async function wholeDocument(file: string, format: TraceFormat | 'auto', variant: VariantId | 'auto', kernel: string | null, strict: boolean): Promise<number> {
  const calls: Array<[number, TraceCallResult]> = [];
  const outcome = await replayTrace({ variant, kernel }, (replay) => {
    // A second reading (the calls chose another variant) starts afresh.
    calls.length = 0;
    return readTraceFile(file, { format, onCall: (call, trace) => calls.push([call.index, replay(call, trace)]) });
  });
  const { summary, decision } = outcome;
  // Start order (a call released late, behind one that never returned, comes out of it).
  calls.sort((a, b) => a[0] - b[0]);
  const out = {
    file,
    format: summary.format,
    kernelRelease: summary.kernelRelease,
    kernel: outcome.kernel,
    variant: decision,
    calls: calls.map(([, { lines: _lines, ...rest }]) => rest),
    skipped: summary.skipped,
    lost: summary.lost,
  };
  process.stdout.write(printableJson(JSON.stringify(out, null, 2)) + '\n');
  return strict && calls.some(([, c]) => c.verdict === 'mismatch') ? 1 : 0;
}

/**
 * The table or --jsonl, a call at a time as it is replayed. When the variant
 * is known before the first call (forced, or from the release the trace
 * records at its top) the file is read once, and what the calls say against
 * that variant comes at the end; else a first reading decides it (decoding
 * the calls, replaying none), so the rows written are final either way.
 */
async function streamed(file: string, format: TraceFormat | 'auto', asked: VariantId | 'auto', askedKernel: string | null, jsonl: boolean, strict: boolean): Promise<number> {
  const out = new StreamOut();
  const verdicts = { match: 0, mismatch: 0, incomplete: 0 };
  let count = 0;
  const writeHeader = (decision: VariantDecisionDto) => {
    if (!jsonl) out.write([...variantLines(decision), HEADER].map(printable).join('\n') + '\n');
  };
  const replayed = (call: RawCall, kernel: string, variant: VariantId): TraceCallResult => {
    const { lines: _lines, ...result } = replayTraceCall(call, kernel, variant);
    verdicts[result.verdict]++;
    count++;
    if (jsonl) out.write(printableJson(JSON.stringify({ index: call.index, ...result })) + '\n');
    else out.write(row(result as TraceCallResult) + '\n');
    return result as TraceCallResult;
  };
  const forced = asked === 'auto' ? null : asked;
  // The one reading: stopped at the first call when the calls must decide the variant.
  const calls = new AbortController();
  let first = null as { inference: VariantInference; variant: VariantId; kernel: string } | null;
  let summary = null as ReadTraceResult | null;
  try {
    summary = await readTraceFile(file, {
      format,
      signal: calls.signal,
      beforeChunk: () => out.ready(),
      onCall: (call, trace) => {
        if (calls.signal.aborted) return;
        if (!first) {
          const inference = new VariantInference(forced, trace.kernelRelease);
          const variant = inference.known();
          if (variant === null) return calls.abort();
          first = { inference, variant, kernel: decodingKernel(askedKernel, trace.kernelRelease) };
          writeHeader(inference.decision());
        }
        const result = replayed(call, first.kernel, first.variant);
        first.inference.observe(result.evidence, result.line);
      },
    });
  } catch (error) {
    if (!(error instanceof TraceError && calls.signal.aborted)) throw error;
  }
  let decision: VariantDecisionDto;
  let kernel: string;
  let warnings: string[] = [];
  if (summary && !calls.signal.aborted) {
    decision = (first?.inference ?? new VariantInference(forced, summary.kernelRelease)).decision();
    kernel = decodingKernel(askedKernel, summary.kernelRelease);
    // The header went out with the first call: what the calls said against its variant comes last.
    if (first) warnings = variantLines(decision).slice(1);
    else writeHeader(decision);
  } else {
    ({ decision, kernel } = await decideVariant({ variant: asked, kernel: askedKernel }, (observe) => readTraceFile(file, { format, onCall: observe })));
    writeHeader(decision);
    summary = await readTraceFile(file, { format, beforeChunk: () => out.ready(), onCall: (call) => replayed(call, kernel, decision.variant) });
  }
  if (jsonl) {
    // The last line says what the file held besides its calls.
    const tail = { file, format: summary.format, kernelRelease: summary.kernelRelease, kernel, variant: decision, lines: summary.lines, calls: count, verdicts, skipped: summary.skipped, lost: summary.lost, late: summary.late };
    out.write(printableJson(JSON.stringify({ summary: tail })) + '\n');
  } else {
    // A trace.dat has records, not lines: its "line" numbers count records in time order.
    const dat = 'dat' in summary ? (summary as TraceDatSummary).dat : null;
    const size = dat ? `${summary.lines} events (trace.dat v${dat.version}, ${dat.compression})` : `${summary.lines} lines`;
    out.write([`${file}: ${summary.format}, ${size}, ${count} call(s)`, ...warnings, ...summaryLines(summary, verdicts)].map(printable).join('\n') + '\n');
  }
  await out.end();
  return strict && verdicts.mismatch > 0 ? 1 : 0;
}
