// Which variant of netfs_extract_user_iter a trace's kernel ran, decided per
// trace, in this order: the kernel release the trace records (the
// "# pinscope: kernel_release=" line, mapped by engine/kernel-releases.ts);
// else what its calls did that only some variants can do (spec §1.5); else
// the newest variant. A forced variant (--variant, pinscope.variant) wins,
// but the calls are still checked against it.
import { EIO, ENOMEM, errnoName } from '../engine/errno';
import { variantOfRelease } from '../engine/kernel-releases';
import type { IterKind, PinRoundDto, VariantId } from '../protocol/dto';
import type { VariantDecisionDto } from '../protocol/trace-calls';
import type { DecodedCall } from './decode';

export const NEWEST: VariantId = 'v3';
const ALL: readonly VariantId[] = ['v0', 'v1', 'v2', 'v3'];
const FIXED: readonly VariantId[] = ['v1', 'v2', 'v3'];

/** What one call's result says about the variant: the variants that can give it, and why. */
export interface CallEvidence {
  readonly variants: readonly VariantId[];
  /** Names the rule, e.g. "an empty success (0) for a non-empty request". */
  readonly rule: string;
}

/** What a decoded call recorded, as far as the variants differ on it. */
export interface EvidenceInput {
  readonly iter: IterKind | null;
  readonly origLen: number | null;
  /** The iterator's count at entry. */
  readonly count: number | null;
  readonly ret: number | null;
  /** The new iterator's count, when recorded. */
  readonly bytes: number | null;
  readonly pinRounds: readonly PinRoundDto[];
  readonly bvecs: ReadonlyArray<{ readonly idx: number; readonly len: number }>;
}

/**
 * The rows of spec §1.5 where the variants' results differ, read backwards
 * from the result. A call none of them covers says nothing (null): most
 * calls, since every variant agrees when all pages pin.
 */
export function callEvidence(c: EvidenceInput): CallEvidence | null {
  if (c.ret === null || (c.iter !== 'ubuf' && c.iter !== 'iovec')) return null;
  const nonEmpty = c.origLen !== null && c.origLen > 0 && (c.count === null || c.count > 0);
  const empty = (c.origLen !== null && c.origLen === 0) || (c.count !== null && c.count === 0);
  const failedRound = c.pinRounds.find((r) => r.ret < 0);
  const gupEnomem = failedRound?.ret === -ENOMEM;
  if (empty) {
    // §1.4: V1 and V2 test `ret` uninitialised when the loop never runs; V0 and V3 return 0.
    return c.ret < 0 ? { variants: ['v1', 'v2'], rule: `an error (${errnoName(c.ret)}) for an empty request: only v1 and v2 return their uninitialised ret` } : null;
  }
  if (!nonEmpty) return null;
  if (c.ret === 0) {
    // §1.5 "Error on first call": V0 breaks out with nothing and builds an empty BVEC; V1+ return the error.
    // (V1 also returns 0 after a bytes overrun with nothing extracted, but that needs an extractor
    // reporting more than it was asked, which the kernel's never does: §2.5 clamps to maxsize.)
    const why = failedRound ? `its first pin_user_pages_fast failed (${errnoName(failedRound.ret)}) and it returned 0` : 'an empty success (0) for a non-empty request';
    return { variants: ['v0'], rule: `${why}: only v0 turns a failed first extraction into an empty success` };
  }
  if (c.ret < 0) {
    // V0 returns an error for a user-backed iterator only when kvmalloc fails (-ENOMEM, before any extraction).
    if (c.ret === -ENOMEM && !gupEnomem) return null;
    const what = c.ret === -EIO ? '-EIO (an extractor that gave nothing, or an overrun)' : errnoName(c.ret);
    return { variants: FIXED, rule: `an error return (${what}) after an extraction: v0 never returns one there` };
  }
  if (gupEnomem) {
    // §1.5 "-ENOMEM after k bvecs": V0 returns the k as a short success; V1+ unpin them and return -ENOMEM.
    return { variants: ['v0'], rule: 'a short success after pin_user_pages_fast failed with -ENOMEM: v1 and later return -ENOMEM there' };
  }
  const slots = c.bvecs.filter((b) => b.idx < c.ret!);
  if (c.bytes !== null && slots.length === c.ret) {
    // §1.5 "Page-capacity overrun": V0/V1 count the batch that did not fit, so count ≠ Σ bv_len.
    const sum = slots.reduce((n, b) => n + b.len, 0);
    if (sum !== c.bytes) return { variants: ['v0', 'v1'], rule: `a new iterator counting ${c.bytes} bytes over bvecs of ${sum}: only v0 and v1 count a batch that overran the array` };
  }
  return null;
}

const numberOr = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** The evidence of a decoded call (no replay needed: it reads only what the kernel did). */
export function evidenceOf(decoded: DecodedCall): CallEvidence | null {
  const o = decoded.observed;
  return callEvidence({ iter: decoded.iter, origLen: numberOr(o.args?.origLen), count: numberOr(o.args?.count), ret: o.ret, bytes: o.bytes, pinRounds: o.pinRounds, bvecs: o.bvecs });
}

/** How many lines of each rule are kept as examples. */
const EXAMPLES = 3;

interface RuleSeen {
  readonly variants: readonly VariantId[];
  count: number;
  readonly lines: number[];
}

/** Collects the evidence of a trace's calls (bounded: counts, and a few lines per rule) and decides. */
export class VariantInference {
  private readonly rules = new Map<string, RuleSeen>();
  private evidenceCalls = 0;
  private readonly fits: Record<VariantId, number> = { v0: 0, v1: 0, v2: 0, v3: 0 };

  /**
   * @param forced the variant asked for, or null for auto
   * @param release the trace's `uname -r`, when it records one
   */
  constructor(
    private readonly forced: VariantId | null,
    readonly release: string | null,
  ) {}

  /** The variant to replay with while the calls come in: known from the start unless behaviour must decide. */
  provisional(): VariantId {
    return this.known() ?? NEWEST;
  }

  /** The variant decided before any call (forced, or the recorded release's); null: the calls decide. */
  known(): VariantId | null {
    return this.forced ?? (this.release ? variantOfRelease(this.release).variant : null);
  }

  observe(evidence: CallEvidence | null, line: number): void {
    if (!evidence) return;
    this.evidenceCalls++;
    for (const v of evidence.variants) this.fits[v]++;
    let seen = this.rules.get(evidence.rule);
    if (!seen) {
      seen = { variants: evidence.variants, count: 0, lines: [] };
      this.rules.set(evidence.rule, seen);
    }
    seen.count++;
    // The earliest lines, whatever order the calls come in (a trace read in pieces observes them out of order).
    const lines = seen.lines;
    if (lines.length === EXAMPLES && line >= lines[EXAMPLES - 1]!) return;
    let at = lines.length;
    while (at > 0 && lines[at - 1]! > line) at--;
    lines.splice(at, 0, line);
    if (lines.length > EXAMPLES) lines.pop();
  }

  /** Variants that explain every call with evidence. */
  private consistent(): VariantId[] {
    return ALL.filter((v) => this.fits[v] === this.evidenceCalls);
  }

  private evidenceText(filter: (rule: RuleSeen) => boolean = () => true): string {
    // Rules by the first line that shows them.
    return [...this.rules]
      .filter(([, seen]) => filter(seen))
      .sort(([ra, a], [rb, b]) => a.lines[0]! - b.lines[0]! || (ra < rb ? -1 : ra > rb ? 1 : 0))
      .map(([rule, seen]) => `line${seen.lines.length > 1 ? 's' : ''} ${seen.lines.join(', ')}${seen.count > seen.lines.length ? ` (and ${seen.count - seen.lines.length} more)` : ''}: ${rule} ⇒ ${seen.variants.join('/')}`)
      .join('; ');
  }

  decision(): VariantDecisionDto {
    const consistent = this.consistent();
    const lines = [...this.rules.values()].flatMap((r) => r.lines).sort((a, b) => a - b);
    const contradiction = this.evidenceCalls && !consistent.length ? `no single variant explains the calls: ${this.evidenceText()}` : null;
    const against = (variant: VariantId) =>
      this.evidenceCalls && !contradiction && !consistent.includes(variant) ? `the calls disagree with ${variant}: ${this.evidenceText((r) => !r.variants.includes(variant))}` : null;
    const base = { release: this.release, lines, contradiction };
    if (this.forced) return { ...base, variant: this.forced, by: 'forced', reason: `${this.forced} as asked (--variant or pinscope.variant)`, conflict: against(this.forced) };
    const fromRelease = this.release ? variantOfRelease(this.release) : null;
    if (fromRelease?.variant) {
      return { ...base, variant: fromRelease.variant, by: 'release', reason: `kernel ${this.release}: ${fromRelease.reason}`, conflict: against(fromRelease.variant) };
    }
    const noRelease = fromRelease ? `kernel ${this.release}: ${fromRelease.reason}; ` : '';
    if (contradiction) {
      // Replayed with the variant that explains the most calls (ties: the newest), and said so.
      const best = [...ALL].reverse().reduce((a, b) => (this.fits[b] > this.fits[a] ? b : a));
      return { ...base, variant: best, by: 'behaviour', reason: `${noRelease}${best} explains the most calls (${this.fits[best]} of ${this.evidenceCalls})`, conflict: null };
    }
    if (this.evidenceCalls) {
      const variant = consistent[consistent.length - 1]!;
      const which = consistent.length > 1 ? `${consistent.join('/')} (the newest of them)` : variant;
      return { ...base, variant, by: 'behaviour', reason: `${noRelease}${which}, from what the calls did: ${this.evidenceText()}`, conflict: null };
    }
    return {
      ...base,
      variant: NEWEST,
      by: 'newest',
      reason: `${noRelease || 'no kernel release recorded; '}no call's result tells the variants apart: the newest, ${NEWEST}`,
      conflict: null,
    };
  }
}
