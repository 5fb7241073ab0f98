// Which variant of netfs_extract_user_iter a definition is, from its parsed
// body (kernel-semantics.md §1.8). Variable names differ between trees, so
// the markers are the shapes the fixes introduced, not exact text.

export type VariantFingerprint = 'v0' | 'v1' | 'v1u' | 'v2' | 'v3' | 'rfc' | 'removed' | 'unknown';

export interface Fingerprint {
  readonly variant: VariantFingerprint;
  /** v0a (bvec fields assigned one by one) or v0b (bvec_set_page), for v0. */
  readonly form: string | null;
  /** For unknown: the closest known variant. */
  readonly nearest: VariantFingerprint | null;
  /** The markers found, for the hover. */
  readonly markers: readonly string[];
  /** The definition sits inside `#if 0`: the function is being removed. */
  readonly removalInProgress: boolean;
}

const MARKERS = {
  rfc: /\bcleanup_mode\b|\biov_iter_extract_mode\s*\(|iov_iter_bvec\s*\([^;]*iov_iter_rw\s*\(\s*orig\s*\)/,
  fieldByField: /\.bv_page\s*=/,
  setPage: /\bbvec_set_page\s*\(/,
  errorAsZero: /\bret\s*<\s*0\b/,
  couldntGet: /Couldn't get user pages/,
  zeroIsEio: /\bret\s*\?:\s*-EIO\b/,
  cleanup: /\bret\s*==\s*-ENOMEM\s*\|\|\s*\w+\s*==\s*0\b/,
  overrun: /extract_pages overrun/,
  initialised: /\bssize_t\s+ret\s*=\s*0\s*;/,
  oldMessages: /get_pages rc=|Out of bvec array capacity/,
} as const;

type Marker = keyof typeof MARKERS;

/** What each variant has (true) and lacks (false), to find the nearest one for an unknown body. */
const PROFILES: Record<'v0' | 'v1' | 'v1u' | 'v2' | 'v3', Partial<Record<Marker, boolean>>> = {
  v0: { couldntGet: true, zeroIsEio: false, cleanup: false, overrun: false, initialised: false, oldMessages: true },
  v1: { couldntGet: false, zeroIsEio: true, cleanup: true, overrun: false, initialised: false, oldMessages: true },
  v1u: { couldntGet: false, zeroIsEio: true, cleanup: true, overrun: false, initialised: true, oldMessages: true },
  v2: { couldntGet: false, zeroIsEio: true, cleanup: true, overrun: true, initialised: false, oldMessages: false },
  v3: { couldntGet: false, zeroIsEio: true, cleanup: true, overrun: true, initialised: true, oldMessages: false },
};

/** Fingerprints a definition's body (the text of its compound statement and its declarations). */
export function fingerprintBody(body: string, disabled = false): Fingerprint {
  const text = body.replace(/\s+/g, ' ');
  const found = (Object.keys(MARKERS) as Marker[]).filter((m) => MARKERS[m].test(text));
  const has = (m: Marker) => found.includes(m);
  const result = (variant: VariantFingerprint, form: string | null = null, nearest: VariantFingerprint | null = null): Fingerprint => ({
    variant,
    form,
    nearest,
    markers: found,
    removalInProgress: disabled,
  });
  if (has('rfc')) return result('rfc');
  if (has('zeroIsEio') && has('cleanup')) {
    if (has('overrun')) return result(has('initialised') ? 'v3' : 'v2');
    return result(has('initialised') ? 'v1u' : 'v1');
  }
  if (has('fieldByField')) return result('v0', 'v0a');
  if (has('setPage') && has('errorAsZero') && has('couldntGet')) return result('v0', 'v0b');
  let nearest: VariantFingerprint = 'v0';
  let best = -1;
  for (const [variant, profile] of Object.entries(PROFILES) as Array<[VariantFingerprint, Partial<Record<Marker, boolean>>]>) {
    const score = (Object.entries(profile) as Array<[Marker, boolean]>).filter(([m, want]) => has(m) === want).length;
    if (score > best) {
      best = score;
      nearest = variant;
    }
  }
  return result('unknown', null, nearest);
}

/** A file without the definition but with the bvecq successor: the function was removed. */
export function isRemovedEra(fileText: string): boolean {
  // Most files never name bvecq: skip the whitespace-folded copy of the whole file for them.
  return fileText.includes('bvecq') && /\bnetfs_extract_iter\s*\([^)]*struct\s+bvecq\s*\*\*/.test(fileText.replace(/\s+/g, ' '));
}

/** What a variant does, in a sentence, for hovers and lenses. */
export const VARIANT_DESCRIPTIONS: Record<VariantFingerprint, string> = {
  v0: 'v0 — the 6.3 original (85dd2c8ff368): on a fault at the first page it returns 0 bvecs and the caller issues a zero-length I/O; -ENOMEM becomes a short success; overruns are only logged. Fixed by 0aad5704c6b4, 0ef37eef83fa and 7e3d8db899d5.',
  v1: 'v1 — + error handling (0aad5704c6b4): errors with nothing extracted (or -ENOMEM) unpin, free and return the error; `ret` is uninitialised when the loop never runs (fixed by 7e3d8db899d5); overruns still only logged (fixed by 0ef37eef83fa).',
  v1u: 'v1u — error handling and an initialised `ret`, without the overrun check (0ef37eef83fa): an extractor overrun is only logged and its pins leak.',
  v2: 'v2 — + overrun check (0ef37eef83fa, CVE-2026-64217): byte and page overruns WARN and return -EIO; `ret` is still uninitialised when the loop never runs (fixed by 7e3d8db899d5).',
  v3: 'v3 — the fixed function (7.1 and the fixed stable kernels): errors return the errno, overruns WARN with -EIO, `ret` starts at 0.',
  rfc: 'A pre-merge (RFC) form: never in a release; it took page references, not pins, or built the iterator from iov_iter_rw(orig).',
  removed: 'Removed: this tree uses netfs_extract_iter() and bvecq chains instead (netfs-next, 2026).',
  unknown: 'A form Pinscope does not know; compare with the nearest known variant.',
};
