// Plain-JSON shapes shared by the engine, the server, the CLI and the webview.
// Addresses travel as "0x…" strings (64-bit values do not fit a JS number);
// byte counts below 2^53 are numbers.

export type IterKind = 'ubuf' | 'iovec';
export type Direction = 'read' | 'write';
export type VariantId = 'v0' | 'v1' | 'v2' | 'v3';

export interface SegmentDto {
  readonly addr: string;
  readonly len: number;
}

export interface RangeDto {
  readonly addr: string;
  readonly len: number;
}

/** One call of netfs_extract_user_iter, as a user or a trace describes it. */
export interface CallDto {
  readonly iter: IterKind;
  readonly segments: readonly SegmentDto[];
  readonly iovOffset: number;
  /** orig_len; the iterator's count when the caller did not say. */
  readonly len: number;
  readonly dir: Direction;
  readonly pageSize: number;
  readonly variant: VariantId;
  readonly unmapped: readonly RangeDto[];
  readonly readonly: readonly RangeDto[];
}

export interface BvecDto {
  /** Page-aligned user address of the page this bvec names. */
  readonly uaddr: string;
  readonly offset: number;
  readonly len: number;
}

export interface PinnedPageDto {
  readonly uaddr: string;
  /** Pins this call still holds on the page when it returns. */
  readonly pins: number;
}

export interface StepDto {
  readonly kind: 'prologue' | 'extract' | 'fill' | 'stop' | 'cleanup' | 'epilogue';
  readonly title: string;
  readonly detail: string;
}

export interface AnomalyDto {
  readonly kind: string;
  readonly message: string;
  readonly fixedBy?: string;
}

export interface ReplayResultDto {
  readonly call: CallDto;
  /** Return value: bvec count, or a negative errno. */
  readonly ret: number;
  /** The new BVEC iterator's count; null when ret < 0. */
  readonly bytes: number | null;
  readonly maxPages: number;
  readonly bvecs: readonly BvecDto[];
  readonly pages: readonly PinnedPageDto[];
  /** Total pins this call still holds on return. */
  readonly pinned: number;
  /** How far the original iterator advanced. */
  readonly origAdvance: number;
  readonly log: readonly string[];
  readonly steps: readonly StepDto[];
  readonly anomalies: readonly AnomalyDto[];
}
