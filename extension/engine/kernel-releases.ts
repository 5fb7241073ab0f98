// Which variant of netfs_extract_user_iter a kernel release ships, from its
// `uname -r`. The one table of it; every fact below is from
// /work/shared/docs/kernel-semantics.md (cited by section):
//
// - §1.1 Timeline: the function arrived in 6.3 (85dd2c8ff368, cifs tree for
//   6.3-rc1); mainline 6.3 … 7.0 and 7.1-rc1 … rc4 ship V0b, as do all stable
//   trees before the 2026 fixes.
// - §1.1: V3 (0aad5704c6b4 + 0ef37eef83fa + 7e3d8db899d5) is in 7.1 (merged
//   through vfs-7.1-rc5.fixes, so from 7.1-rc5) and in the stable releases
//   6.6.142, 6.12.92, 6.18.34 and 7.0.11 on (the CVE-2026-64217 "fixed in"
//   versions; 6.12.y took 597f8322e8a0, 6.18.y 664736cc1f95); Debian's
//   6.12.117 was read and holds V3 [H].
// - §1.1 note: stable kernels went straight from V0b to V3 (V1, V2 were only
//   intermediate commits), so no release maps to v1 or v2.
// - §1.1: no kernel ≤ 6.2 has the function, nor the 6.1.y LTS line (6.1.192
//   read); "Removed" (the bvecq series) is in no Linus release yet, so every
//   mainline release from 7.1 on is taken to carry V3.
// - §1.8 "Map tree version → expected variant" says the same.
//
// V0a and V0b run the same algorithm (only the bvec fill is written
// differently), so both replay as the engine's v0.
import type { VariantId } from '../protocol/dto';

/** Stable lines that took the fixes, and the first release of each with them (§1.1). */
export const FIXED_STABLE: Readonly<Record<string, number>> = {
  '6.6': 142,
  '6.12': 92,
  '6.18': 34,
  '7.0': 11,
};

/** Mainline took the fixes for 7.1-rc5 (vfs-7.1-rc5.fixes, §1.1). */
const MAINLINE_FIXED = { major: 7, minor: 1, rc: 5 };
/** First mainline release with the function (§1.1). */
const FIRST = { major: 6, minor: 3 };

export interface KernelRelease {
  readonly major: number;
  readonly minor: number;
  /** The stable sublevel (6.12.117 -> 117); null when the release does not say. */
  readonly sublevel: number | null;
  /** 7.1.0-rc4 -> 4. */
  readonly rc: number | null;
  /** What follows the version ("+deb12-amd64", "-45-generic"). */
  readonly suffix: string;
}

/**
 * `uname -r` -> its parts: "6.12.117+deb12-amd64", "6.8.0-45-generic",
 * "7.1.0-rc4", "7.1-rc5+", "v6.6.142". Null when it does not start with a version.
 */
export function parseRelease(text: string): KernelRelease | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-rc(\d+))?(.*)$/.exec(text.trim());
  if (!m) return null;
  const suffix = m[5] ?? '';
  // "6.8-45" is no version; a suffix must start with a separator.
  if (suffix && !/^[-+_.~]/.test(suffix)) return null;
  return { major: Number(m[1]), minor: Number(m[2]), sublevel: m[3] === undefined ? null : Number(m[3]), rc: m[4] === undefined ? null : Number(m[4]), suffix };
}

export interface ReleaseVariant {
  /** The variant this release ships; null when it has no netfs_extract_user_iter, or the text is no release. */
  readonly variant: VariantId | null;
  /** Why, in a sentence naming the rule of the table that applied. */
  readonly reason: string;
}

function compare(a: { major: number; minor: number }, b: { major: number; minor: number }): number {
  return a.major - b.major || a.minor - b.minor;
}

/**
 * Ubuntu's and Debian-old-style releases ("6.8.0-45-generic", "6.1.0-28-amd64")
 * put an ABI number where the stable sublevel would be: x.y.0-N is not x.y.0.
 */
function abiStyle(r: KernelRelease): boolean {
  return r.sublevel === 0 && r.rc === null && /^-\d+[-.]/.test(r.suffix);
}

/** The variant a kernel release ships, and why (the table above). */
export function variantOfRelease(text: string): ReleaseVariant {
  const r = parseRelease(text);
  if (!r) return { variant: null, reason: `"${text}" is not a kernel release` };
  const line = `${r.major}.${r.minor}`;
  if (compare(r, FIRST) < 0) return { variant: null, reason: `${line} has no netfs_extract_user_iter (it arrived in 6.3)` };
  const cmpMainline = compare(r, MAINLINE_FIXED);
  if (cmpMainline > 0) return { variant: 'v3', reason: `${line} is after 7.1, which ships the fixed function (V3)` };
  if (cmpMainline === 0) {
    if (r.rc !== null && r.rc < MAINLINE_FIXED.rc) return { variant: 'v0', reason: `7.1-rc${r.rc} predates the fixes (merged for 7.1-rc5): V0b` };
    return { variant: 'v3', reason: r.rc !== null ? `7.1-rc${r.rc} has the fixes (merged for 7.1-rc5): V3` : `7.1 ships the fixed function (V3)` };
  }
  const fixedAt = FIXED_STABLE[line];
  if (fixedAt === undefined) return { variant: 'v0', reason: `the ${line} line ships V0b (not one of the stable lines that took the 2026 fixes, §1.1)` };
  if (abiStyle(r)) {
    return { variant: 'v0', reason: `${line}.0${r.suffix.replace(/^(-\d+).*/, '$1')} carries a distribution ABI number, not the stable sublevel: taken as ${line} before its fix (${line}.${fixedAt}), V0b` };
  }
  // An -rc here is a mainline candidate (x.y-rcN, before any stable sublevel) or a
  // stable review candidate (x.y.z-rcN), which holds what x.y.z releases with.
  const sub = r.sublevel ?? 0;
  const rc = r.rc !== null ? `-rc${r.rc}` : '';
  if (sub < fixedAt) return { variant: 'v0', reason: `${line}.${sub}${rc} predates the fix in ${line}.${fixedAt}: V0b` };
  return { variant: 'v3', reason: `${line}.${sub}${rc} has the fixes (${line}.${fixedAt} on): V3` };
}

/**
 * The release and machine in a full `uname -a` line (what trace-cmd keeps in a
 * trace.dat's UNAME option, and the guest's "Linux (none) 6.12.117+deb12-amd64
 * #1 SMP … x86_64 GNU/Linux"): the third word, and the machine, which comes
 * after the version and before the operating system when uname knows them.
 */
export function releaseFromUname(uname: string): { release: string; arch: string | null } | null {
  const words = uname.trim().split(/\s+/);
  if (words.length < 3 || !parseRelease(words[2]!)) return null;
  const arch = words.slice(3).reverse().find((w) => MACHINE.test(w)) ?? null;
  return { release: words[2]!, arch };
}

const MACHINE = /^(x86_64|i[3-6]86|aarch64|arm\w*|riscv\d+|ppc\w*|s390x?|mips\w*|loongarch64)$/;
