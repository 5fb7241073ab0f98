// Plain-JSON shapes shared by the engine, the server, the CLI and the webview.
// Addresses travel as "0x…" strings (64-bit values do not fit a JS number);
// byte counts below 2^53 are numbers.

/** User-backed kinds are modelled; the kernel-backed ones only as far as the function rejects them. */
export type IterKind = 'ubuf' | 'iovec' | 'kvec' | 'bvec' | 'xarray' | 'folioq' | 'discard';
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

export type Protection = 'rw' | 'r' | 'none';

/** A mapping of the user address space. */
export interface VmaDto {
  readonly addr: string;
  readonly len: number;
  readonly prot: Protection;
  /** anon (private memory), file (page cache), io (VM_IO|VM_PFNMAP: GUP refuses it). */
  readonly kind: 'anon' | 'file' | 'io';
  /** false: never touched; GUP faults pages in (read-only pins of anon memory find the zero page). */
  readonly populated: boolean;
  /** Folio order: 0 small pages; > 0 large folios (THP, mTHP). */
  readonly folioOrder: number;
}

/** Something that happens during the call. */
export type EventDto =
  /** A sibling thread unmaps a range before extraction call `at` (0-based). */
  | { readonly kind: 'unmap'; readonly at: number; readonly addr: string; readonly len: number }
  /** A sibling thread maps fresh memory over a range before extraction call `at`. */
  | { readonly kind: 'remap'; readonly at: number; readonly addr: string; readonly len: number; readonly prot: Protection }
  /** GUP fails with this errno on every page of the range (e.g. -ENOMEM at page k). */
  | { readonly kind: 'gup-error'; readonly addr: string; readonly len: number; readonly errno: 'ENOMEM' | 'EFAULT' | 'EHWPOISON' }
  /** What if iov_iter_npages() reported `pages` (max_pages) instead of its own count. */
  | { readonly kind: 'npages'; readonly pages: number }
  /**
   * iov_iter_extract_pages misbehaves at call `at` (and the `times - 1` calls
   * after it): it reports `ret` bytes at `offset`, having written `pages`
   * page pointers. Unset fields keep the honest values.
   */
  | {
      readonly kind: 'extractor';
      readonly at: number;
      readonly times?: number;
      readonly ret?: number;
      readonly offset?: number;
      readonly pages?: number;
    };
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
  /** Never-touched anonymous memory (zero page for read-only pins). */
  readonly untouched: readonly RangeDto[];
  /** When given, the whole address space: nothing outside these is mapped. */
  readonly vmas: readonly VmaDto[] | null;
  readonly events: readonly EventDto[];
  /** Kernel version: zero-page pin rule and iter_type numbering. */
  readonly kernel: string;
  readonly nofault: boolean;
}

export interface BvecDto {
  /** Page-aligned user address the page was pinned at; null for a stale pointer. */
  readonly uaddr: string | null;
  /** Model page frame: equal for bvecs naming the same physical page; -1 the zero page. */
  readonly page: number | null;
  readonly offset: number;
  readonly len: number;
}

/**
 * A run of pinned pages: `pages` consecutive pages (user addresses and frames
 * both consecutive) that share every count below, which is per page.
 */
export interface PinnedPageDto {
  /** User address the first page was pinned at. */
  readonly uaddr: string;
  /** Model page frame of the first page; -1 the zero page, ≤ -2 the huge zero folio. */
  readonly page: number;
  /** How many pages the run holds. */
  readonly pages: number;
  readonly zeroPage: boolean;
  /** Pins taken on this page by the call. */
  readonly pinned: number;
  /** Pins still held when the call returns. */
  readonly held: number;
  /** Pins the call took but no bvec records (no caller can release them). */
  readonly leaked: number;
  /** Refcount change the held pins cause: +1024 each on a small folio, +1 on a large one (spec §2.6). */
  readonly refcountDelta: number;
  /** _pincount change (large folios only). */
  readonly pincountDelta: number;
}

/** One pin_user_pages_fast() call, as a trace shows it. */
export interface PinRoundDto {
  readonly start: string;
  readonly nrPages: number;
  /** FOLL_* flags as the 6.12 kernel numbers them (FOLL_WRITE 1, FOLL_NOFAULT 0x20; FOLL_PIN added inside). */
  readonly gupFlags: number;
  readonly ret: number;
}

export interface IterStateDto {
  readonly type: string;
  readonly count: number;
  readonly iovOffset: number;
  readonly nrSegs: number;
  /** Index of the current segment (IOVEC). */
  readonly segment: number;
}

export interface StepStateDto {
  /** Bytes still to extract (the function's `count`). */
  readonly count: number;
  readonly npages: number;
  /** The function's `ret`, or null while uninitialised. */
  readonly ret: number | null;
  readonly origCount: number;
  readonly pinsHeld: number;
  /** Page-pointer slots the extractor has written so far (the consumption cursor runs npages behind). */
  readonly pointers: number;
  /** pin_user_pages_fast() calls made so far: the first `pinRounds` of the result's pinRounds. */
  readonly pinRounds: number;
  /** The block has been kvfree'd (error cleanup). */
  readonly blockFreed: boolean;
}

export type StepAnchor =
  | 'check-type'
  | 'npages'
  | 'alloc'
  | 'extract'
  | 'check-error'
  | 'check-bytes'
  | 'check-pages'
  | 'fill'
  | 'cleanup'
  | 'build-new'
  | 'return';

export interface StepDto {
  readonly anchor: StepAnchor;
  readonly title: string;
  readonly detail: string;
  /** 1-based line range of this variant's reference source that performs the step. */
  readonly lines: readonly [number, number];
  readonly state: StepStateDto;
}

export interface AnomalyDto {
  readonly kind:
    | 'empty-result'
    | 'short-extraction'
    | 'enomem-as-short'
    | 'partial-pin'
    | 'bytes-overrun'
    | 'page-overrun'
    | 'pins-leaked'
    | 'inconsistent-iterator'
    | 'orig-overrun'
    | 'heap-overflow'
    | 'clobbered-pointer'
    | 'stale-page-pointer'
    | 'livelock'
    | 'undefined-behaviour'
    | 'wrong-iterator-type';
  readonly message: string;
  readonly fixedBy?: string;
}

/** The kvmalloc'd block: bvecs grow from the head, page pointers sit at the tail. */
export interface BlockDto {
  readonly bytes: number;
  /** Byte offset of page-pointer slot 0. */
  readonly pointersAt: number;
  readonly freed: boolean;
  /** Bytes written past the end of the block. */
  readonly overflowBytes: number;
  /** Writing bvec `bvec` overwrote page-pointer slot `slot` before the loop had read it. */
  readonly clobbers: ReadonlyArray<{ readonly bvec: number; readonly slot: number }>;
}

export interface ReplayResultDto {
  /** Return value: bvec count, or a negative errno. */
  readonly ret: number;
  /** The new BVEC iterator's count; null when `new` is left untouched (ret < 0). */
  readonly bytes: number | null;
  readonly bvecs: readonly BvecDto[];
  /** Pins this call still holds on return. */
  readonly pinned: number;
  /** How far the original iterator advanced. */
  readonly origAdvance: number;
  readonly anomalies: readonly AnomalyDto[];
  readonly variant: VariantId;
  readonly maxPages: number;
  readonly newIter: IterStateDto | null;
  readonly origAfter: IterStateDto;
  readonly pinRounds: readonly PinRoundDto[];
  readonly pages: readonly PinnedPageDto[];
  /** Pins left after the caller's cleanup (unpin per bvec): 0 unless pins leaked. */
  readonly pinnedAfterCleanup: number;
  readonly block: BlockDto | null;
  /** Kernel log lines (pr_err, WARN) in order. */
  readonly log: readonly string[];
  readonly steps: readonly StepDto[];
  readonly call: CallDto;
}
