// What changes with the kernel version (spec §1.1, §2.1, §2.6): which variant
// of netfs_extract_user_iter it ships, whether pins of the shared zero page
// count, and how iter_type is numbered.
import type { VariantId } from '../protocol/dto';
import { variantOfRelease } from './kernel-releases';

export interface KernelProfile {
  /** "6.12", as given. */
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  /** The variant this release ships (kernel-releases.ts: "6.12" is 6.12.0, v0; "6.12.117" v3). */
  readonly variant: VariantId;
  /** Before c8070b787519 (6.5) pin_user_pages() pinned the zero page like any small page. */
  readonly zeroPagePinned: boolean;
  /** iter_type numbers, index = value (spec §2.1). */
  readonly iterTypes: readonly string[];
}

export const DEFAULT_KERNEL = '6.12';

const ITER_TYPES_6_0 = ['ITER_IOVEC', 'ITER_KVEC', 'ITER_BVEC', 'ITER_PIPE', 'ITER_XARRAY', 'ITER_DISCARD', 'ITER_UBUF'];
const ITER_TYPES_6_5 = ['ITER_IOVEC', 'ITER_KVEC', 'ITER_BVEC', 'ITER_XARRAY', 'ITER_DISCARD', 'ITER_UBUF'];
const ITER_TYPES_6_7 = ['ITER_UBUF', 'ITER_IOVEC', 'ITER_BVEC', 'ITER_KVEC', 'ITER_XARRAY', 'ITER_DISCARD'];
const ITER_TYPES_6_12 = ['ITER_UBUF', 'ITER_IOVEC', 'ITER_BVEC', 'ITER_KVEC', 'ITER_FOLIOQ', 'ITER_XARRAY', 'ITER_DISCARD'];

/** Parses "6.12", "6.12.117", "v7.1-rc5"; null when it is not a version. */
export function parseKernelVersion(text: string): { major: number; minor: number } | null {
  const m = /^v?(\d+)\.(\d+)(?:[.-].*)?$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

function atLeast(v: { major: number; minor: number }, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** The profile of a kernel version, or null for kernels without the function (≤ 6.2). */
export function kernelProfile(version: string): KernelProfile | null {
  const v = parseKernelVersion(version);
  if (!v || !atLeast(v, 6, 3)) return null;
  const iterTypes = atLeast(v, 6, 12)
    ? ITER_TYPES_6_12
    : atLeast(v, 6, 7)
      ? ITER_TYPES_6_7
      : atLeast(v, 6, 5)
        ? ITER_TYPES_6_5
        : ITER_TYPES_6_0;
  return {
    version,
    major: v.major,
    minor: v.minor,
    variant: variantOfRelease(version).variant ?? 'v3',
    zeroPagePinned: !atLeast(v, 6, 5),
    iterTypes,
  };
}
