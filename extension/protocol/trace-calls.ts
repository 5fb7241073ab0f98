// The summary of one traced call, shared by the Traces view, the trace editor and the server.
import type { VariantId } from './dto';

/** One call of a loaded trace, as the Traces view lists it. */
export interface TraceCallSummaryDto {
  readonly index: number;
  readonly pid: number | null;
  readonly comm: string | null;
  /** Line of the call's first event in the trace. */
  readonly line: number;
  readonly verdict: 'match' | 'mismatch' | 'incomplete';
  /** "UBUF read 12288", or null when the inputs were not recorded. */
  readonly input: string | null;
  readonly observedRet: number | null;
  readonly predictedRet: number | null;
  readonly anomalies: readonly string[];
  readonly missing: readonly string[];
  readonly differences: readonly string[];
  /** The function that called netfs_extract_user_iter, when the trace says. */
  readonly caller: string | null;
}


/** Which variant a trace was replayed with, and why (decided once per trace). */
export interface VariantDecisionDto {
  readonly variant: VariantId;
  /** forced: --variant or the setting; release: the kernel release the trace records; behaviour: what its calls did; newest: nothing told. */
  readonly by: 'forced' | 'release' | 'behaviour' | 'newest';
  /** One sentence: the release and the rule, or the trace lines that decided. */
  readonly reason: string;
  /** The trace's `uname -r`, when it records one. */
  readonly release: string | null;
  /** Trace lines whose calls told the variants apart (a few per rule). */
  readonly lines: readonly number[];
  /** Calls that no single variant explains, when there are. */
  readonly contradiction: string | null;
  /** Calls that disagree with the variant chosen (by release or by force). */
  readonly conflict: string | null;
}
