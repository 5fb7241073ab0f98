// The summary of one traced call, shared by the Traces view, the trace editor and the server.

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

