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

/**
 * What each step's code looks like, whatever the variables are called (our
 * rendition says bvecs/used/left, the kernel bv/npages/count): the same
 * patterns find the steps in a workspace's own fs/netfs/iterator.c.
 */
const ANCHOR_PATTERNS: Record<Exclude<StepAnchor, 'return'>, RegExp> = {
  'check-type': /WARN_ON_ONCE\(!iter_is_ubuf/,
  npages: /=\s*iov_iter_npages\(/,
  alloc: /=\s*kvmalloc\(/,
  extract: /ret\s*=\s*iov_iter_extract_pages\(/,
  'check-error': /if \((unlikely\()?ret <=? 0\)/,
  'check-bytes': /ret > \w+[,)]/,
  'check-pages': /if \(\w+ \+ \w+ > \w+\)|WARN\(\w+ > \w+ - \w+,/,
  fill: /for \((\w+) = 0; \1 < \w+; \1\+\+\)/,
  cleanup: /if \(ret < 0 && \(ret == -ENOMEM/,
  'build-new': /iov_iter_bvec\(new/,
};

/** Where each step is in a function's source (1-based lines of `source`). */
export function sourceAnchors(source: string): Variant['lines'] {
  const lines = source.split('\n');
  const found: Partial<Record<StepAnchor, readonly [number, number]>> = {};
  for (const [anchor, pattern] of Object.entries(ANCHOR_PATTERNS) as Array<[StepAnchor, RegExp]>) {
    const range = statementLines(lines, pattern);
    if (range) found[anchor] = range;
  }
  // The page check spans from computing the batch to the end of its test.
  if (found['check-pages']) {
    const start = found['check-pages'][0];
    let batch = start - 1;
    while (batch > 0 && !/DIV_ROUND_UP/.test(lines[batch - 1]!) && start - batch < 4) batch--;
    if (batch > 0 && /DIV_ROUND_UP/.test(lines[batch - 1]!)) found['check-pages'] = [batch, found['check-pages'][1]];
  }
  // The return of the success path: the first return after the new iterator is built.
  const built = found['build-new'];
  if (built) {
    const after = lines.slice(built[1]).findIndex((line) => /^\s*return\b/.test(line));
    if (after >= 0) found.return = [built[1] + after + 1, built[1] + after + 1];
  }
  return found;
}

function variant(id: VariantId, title: string, commit: string, traits: VariantTraits, source: string): Variant {
  return { id, title, commit, traits, source, lines: sourceAnchors(source) };
}

export const VARIANT_TABLE: Readonly<Record<VariantId, Variant>> = {
  v0: variant('v0', 'original (6.3 … 7.0)', '85dd2c8ff368', { handlesErrors: false, checksOverrun: false, initialisesRet: false }, SOURCE_V0),
  v1: variant('v1', '+ error handling', '0aad5704c6b4', { handlesErrors: true, checksOverrun: false, initialisesRet: false }, SOURCE_V1),
  v2: variant('v2', '+ overrun check', '0ef37eef83fa', { handlesErrors: true, checksOverrun: true, initialisesRet: false }, SOURCE_V2),
  v3: variant('v3', '+ ret initialised (7.1, fixed stable)', '7e3d8db899d5', { handlesErrors: true, checksOverrun: true, initialisesRet: true }, SOURCE_V3),
};
