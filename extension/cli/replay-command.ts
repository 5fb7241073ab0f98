// `pinscope replay FILE`: every netfs_extract_user_iter call in a trace,
// replayed through the model and compared with what the kernel did. The
// table and --jsonl stream (constant memory); --json is one document.
import { parseArgs } from 'node:util';
import { describeCall, VARIANTS } from '../engine';
import { kernelProfile } from '../engine/kernel-profile';
import { readTraceFile } from '../node/trace-file';
import type { VariantId } from '../protocol/dto';
import { FORMATS, replayTraceCall, TraceError, type TraceCallResult, type TraceFormat } from '../trace';
import { StreamOut } from './output';

export class UsageError extends Error {}

const HEADER = `${'line'.padStart(7)}  ${'pid'.padStart(6)} ${'comm'.padEnd(16)} ${'input'.padEnd(20)} ${'kernel'.padStart(12)} ${'model'.padStart(12)}  verdict`;

/** One line of the table: made as the call arrives, so the replay need not be kept. */
function row(c: TraceCallResult): string {
  const input = c.input ? describeCall(c.input) : '?';
  const kernel = c.observed.ret === null ? '?' : `${c.observed.ret}${c.observed.bytes !== null ? `/${c.observed.bytes}` : ''}`;
  const model = c.predicted ? `${c.predicted.ret}${c.predicted.bytes !== null ? `/${c.predicted.bytes}` : ''}` : '?';
  const why = c.verdict === 'mismatch' ? c.differences.join('; ') : c.verdict === 'incomplete' ? `missing: ${c.missing.join(', ')}` : '';
  return `${String(c.line).padStart(7)}  ${String(c.pid ?? '?').padStart(6)} ${(c.comm ?? '?').slice(0, 16).padEnd(16)} ${input.padEnd(20)} ${kernel.padStart(12)} ${model.padStart(12)}  ${c.verdict}${why ? ` (${why})` : ''}`;
}

export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'auto' },
      variant: { type: 'string', default: 'auto' },
      kernel: { type: 'string', default: '6.12' },
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
  if (!kernelProfile(values.kernel!)) throw new UsageError(`--kernel: ${JSON.stringify(values.kernel)} is not a kernel with netfs_extract_user_iter (6.3 or later)`);
  if (values.json && values.jsonl) throw new UsageError('replay: --json and --jsonl: choose one');

  const file = positionals[0]!;
  const out = new StreamOut();
  // --json is one document: it holds every call until the end. The table and --jsonl write each call as it is replayed.
  const calls: Array<[number, Omit<TraceCallResult, 'lines'>]> = [];
  const verdicts = { match: 0, mismatch: 0, incomplete: 0 };
  let count = 0;
  if (!values.json && !values.jsonl) out.write(HEADER + '\n');
  let summary;
  try {
    summary = await readTraceFile(file, {
      format,
      beforeChunk: () => out.ready(),
      onCall: (call) => {
        const { lines: _lines, ...result } = replayTraceCall(call, values.kernel!, variant);
        verdicts[result.verdict]++;
        count++;
        if (values.json) calls.push([call.index, result]);
        else if (values.jsonl) out.write(JSON.stringify({ index: call.index, ...result }) + '\n');
        else out.write(row(result as TraceCallResult) + '\n');
      },
    });
  } catch (error) {
    if (error instanceof TraceError) {
      await out.end();
      process.stderr.write(`pinscope: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const mismatches = verdicts.mismatch;
  if (values.json) {
    // Start order (a call released late, behind one that never returned, comes out of it).
    calls.sort((a, b) => a[0] - b[0]);
    const doc = { file, format: summary.format, calls: calls.map(([, c]) => c), skipped: summary.skipped, lost: summary.lost };
    out.write(JSON.stringify(doc, null, 2) + '\n');
  } else if (values.jsonl) {
    // The last line says what the file held besides its calls.
    out.write(JSON.stringify({ summary: { file, format: summary.format, lines: summary.lines, calls: count, verdicts, skipped: summary.skipped, lost: summary.lost, late: summary.late } }) + '\n');
  } else {
    out.write(`${file}: ${summary.format}, ${summary.lines} lines, ${count} call(s)\n`);
    out.write(`${verdicts.match} match, ${mismatches} mismatch, ${verdicts.incomplete} incomplete\n`);
    if (summary.skipped.lines) {
      out.write(`${summary.skipped.lines} line(s) could not be read, e.g. ${summary.skipped.examples.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}\n`);
    }
    for (const lost of summary.lost) out.write(`line ${lost.line}: ${lost.count} events lost on CPU ${lost.cpu ?? '?'}\n`);
    if (summary.late) out.write(`${summary.late} line(s) came after their call was complete (counted, not attached)\n`);
  }
  await out.end();
  return values.strict && mismatches > 0 ? 1 : 0;
}
