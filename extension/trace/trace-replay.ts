// A whole trace replayed with the variant its kernel ran. The release line
// sits at the top, so when the trace records one every call is replayed
// right as it streams by. Without it, only the calls can tell, and the
// deciding call may be the last one: the trace is replayed with the newest
// variant while the evidence is gathered, and read a second time only when
// the calls decided otherwise (nothing is kept per call in between).
import { DEFAULT_KERNEL } from '../engine/kernel-profile';
import { parseRelease } from '../engine/kernel-releases';
import type { VariantId } from '../protocol/dto';
import type { VariantDecisionDto } from '../protocol/trace-calls';
import type { TraceFacts } from './reader';
import type { RawCall } from './reconstruct';
import { decodeCall } from './decode';
import { replayTraceCall, type TraceCallResult } from './verdict';
import { evidenceOf, VariantInference } from './variant-inference';

export interface TraceReplayOptions {
  /** 'auto': decided per trace (VariantInference). */
  readonly variant: VariantId | 'auto';
  /** Kernel version for decoding iter_type and the zero-page rule; null: the trace's release, else 6.12. */
  readonly kernel: string | null;
}

/** Replays one call, given what the trace says of itself. */
export type ReplayOne = (call: RawCall, trace: TraceFacts) => TraceCallResult;

export interface TraceReplayOutcome<S> {
  readonly summary: S;
  readonly decision: VariantDecisionDto;
  /** The kernel version the calls were decoded with. */
  readonly kernel: string;
  /** 2 when the calls chose another variant than the one the first reading used. */
  readonly passes: 1 | 2;
}

/** The kernel to decode with: the one asked for, else the recorded release's (when it has the function), else 6.12. */
export function decodingKernel(asked: string | null, release: string | null): string {
  if (asked) return asked;
  const r = release ? parseRelease(release) : null;
  return r && (r.major > 6 || (r.major === 6 && r.minor >= 3)) ? `${r.major}.${r.minor}` : DEFAULT_KERNEL;
}

/**
 * Calls replayed as they stream by, with the variant known so far (the
 * recorded release's, else the newest) unless one is given, the evidence of
 * each gathered for the decision: one reading of replayTrace, a recording's
 * calls, a followed file.
 */
export class StreamingReplay {
  private seen: VariantInference | null = null;

  constructor(
    private readonly options: TraceReplayOptions,
    private readonly variant: VariantId | null = null,
  ) {}

  readonly replay: ReplayOne = (call, trace) => {
    this.seen ??= new VariantInference(this.options.variant === 'auto' ? null : this.options.variant, trace.kernelRelease);
    const result = replayTraceCall(call, decodingKernel(this.options.kernel, trace.kernelRelease), this.variant ?? this.seen.provisional());
    this.seen.observe(result.evidence, result.line);
    return result;
  };

  /** True once a call was replayed. */
  get started(): boolean {
    return this.seen !== null;
  }

  /** The evidence so far (`release`: the trace's, for a trace with no call yet). */
  inference(release: string | null): VariantInference {
    return this.seen ?? new VariantInference(this.options.variant === 'auto' ? null : this.options.variant, release);
  }
}

/**
 * `pass` reads the trace once, calling `replay` for each call, and returns its
 * summary; it may be called twice, and must start afresh each time.
 */
export async function replayTrace<S extends TraceFacts>(options: TraceReplayOptions, pass: (replay: ReplayOne) => Promise<S>): Promise<TraceReplayOutcome<S>> {
  const streaming = new StreamingReplay(options);
  const summary = await pass(streaming.replay);
  const first = streaming.inference(summary.kernelRelease);
  const decision = first.decision();
  const kernel = decodingKernel(options.kernel, summary.kernelRelease);
  if (decision.variant === first.provisional()) return { summary, decision, kernel, passes: 1 };
  return { summary: await pass(new StreamingReplay(options, decision.variant).replay), decision, kernel, passes: 2 };
}

/**
 * The decision alone, from one reading that decodes each call but replays
 * none: for a consumer that writes each call as it is replayed (a streaming
 * table) and so must know the variant before its first row. `pass` reads the
 * trace once, calling `observe` for each call.
 */
export async function decideVariant<S extends TraceFacts>(
  options: TraceReplayOptions,
  pass: (observe: (call: RawCall, trace: TraceFacts) => void) => Promise<S>,
): Promise<{ summary: S; decision: VariantDecisionDto; kernel: string }> {
  const forced = options.variant === 'auto' ? null : options.variant;
  let inference: VariantInference | null = null;
  const summary = await pass((call, trace) => {
    inference ??= new VariantInference(forced, trace.kernelRelease);
    inference.observe(evidenceOf(decodeCall(call, decodingKernel(options.kernel, trace.kernelRelease))), call.line);
  });
  const decision = (inference ?? new VariantInference(forced, summary.kernelRelease)).decision();
  return { summary, decision, kernel: decodingKernel(options.kernel, summary.kernelRelease) };
}
