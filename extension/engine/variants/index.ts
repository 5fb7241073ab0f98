// The four released variants: what each one does differently, its reference
// source, and which lines of that source perform each step of a replay.
import type { StepAnchor, VariantId } from '../../protocol/dto';
import { SOURCE_V1, SOURCE_V2, SOURCE_V3 } from './fixes';
import { SOURCE_V0 } from './v0';

export interface VariantTraits {
  /** v1+: `ret <= 0` ends the loop as an error (0 becomes -EIO), and errors clean up. */
  readonly handlesErrors: boolean;
  /** v2+: byte and page overruns WARN, become -EIO, and are checked before `count` changes. */
  readonly checksOverrun: boolean;
  /** v3: `ret` starts at 0. */
  readonly initialisesRet: boolean;
}

export interface Variant {
  readonly id: VariantId;
  readonly title: string;
  /** The commit that introduced this variant. */
  readonly commit: string;
  readonly traits: VariantTraits;
  /** Reference source of the function in this variant (our own rendition). */
  readonly source: string;
  readonly lines: Readonly<Partial<Record<StepAnchor, readonly [number, number]>>>;
}

/** 1-based [first, last] lines of the statement or block starting at the first line matching `start`. */
function statementLines(lines: readonly string[], start: RegExp): [number, number] | null {
  const first = lines.findIndex((line) => start.test(line));
  if (first < 0) return null;
  let depth = 0;
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!;
    depth += (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    const ends = depth === 0 && (/;\s*$/.test(line) || /\}\s*$/.test(line));
    // An unbraced `if` ends with the statement on the next line.
    if (ends && !(i === first && /^\s*if\b/.test(line) && !/\{\s*$/.test(line) && /\)\s*$/.test(line))) return [first + 1, i + 1];
  }
  return [first + 1, lines.length];
}

const ANCHOR_PATTERNS: Record<StepAnchor, RegExp> = {
  'check-type': /WARN_ON_ONCE\(!iter_is_ubuf/,
  npages: /iov_iter_npages\(/,
  alloc: /bvecs = kvmalloc\(/,
  extract: /ret = iov_iter_extract_pages\(/,
  'check-error': /if \(ret <=? 0\) \{/,
  'check-bytes': /ret > left/,
  'check-pages': /(used \+ batch > slot_count|batch > slot_count - used)/,
  fill: /for \(k = 0; k < batch; k\+\+\)/,
  cleanup: /if \(ret < 0 && \(ret == -ENOMEM/,
  'build-new': /iov_iter_bvec\(new/,
  return: /return used;/,
};

function anchors(source: string): Variant['lines'] {
  const lines = source.split('\n');
  const found: Partial<Record<StepAnchor, readonly [number, number]>> = {};
  for (const [anchor, pattern] of Object.entries(ANCHOR_PATTERNS) as Array<[StepAnchor, RegExp]>) {
    const range = statementLines(lines, pattern);
    if (range) found[anchor] = range;
  }
  // The page check spans from computing the batch to the end of its test.
  if (found['check-pages']) {
    const batchLine = lines.findIndex((line) => /batch = DIV_ROUND_UP/.test(line));
    if (batchLine >= 0) found['check-pages'] = [Math.min(batchLine + 1, found['check-pages'][0]), found['check-pages'][1]];
  }
  return found;
}

function variant(id: VariantId, title: string, commit: string, traits: VariantTraits, source: string): Variant {
  return { id, title, commit, traits, source, lines: anchors(source) };
}

export const VARIANT_TABLE: Readonly<Record<VariantId, Variant>> = {
  v0: variant('v0', 'original (6.3 … 7.0)', '85dd2c8ff368', { handlesErrors: false, checksOverrun: false, initialisesRet: false }, SOURCE_V0),
  v1: variant('v1', '+ error handling', '0aad5704c6b4', { handlesErrors: true, checksOverrun: false, initialisesRet: false }, SOURCE_V1),
  v2: variant('v2', '+ overrun check', '0ef37eef83fa', { handlesErrors: true, checksOverrun: true, initialisesRet: false }, SOURCE_V2),
  v3: variant('v3', '+ ret initialised (7.1, fixed stable)', '7e3d8db899d5', { handlesErrors: true, checksOverrun: true, initialisesRet: true }, SOURCE_V3),
};
