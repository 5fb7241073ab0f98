// The "COMM-PID [CPU] FLAGS TS: " prefix of a tracefs line read by hand: the
// same leftmost match as ftrace.ts's PREFIX regex, without its match array,
// its substrings and the Number() of each, since every line of a dense log has
// one. Where the regex's \s could match a character this reader does not know
// (anything past ASCII), it answers "unsure" and the regex decides.

/** Where the prefix was found, and what it holds (one reused record: no object per line). */
export interface PrefixMatch {
  /** Offset of the '-' before PID (COMM is what comes before it). */
  index: number;
  /** Offset just past the prefix (the body starts there). */
  end: number;
  pid: number;
  cpu: number;
  ts: number;
}

export const UNSURE = -2;
const FAIL = -1;

const DASH = 45;
const DOT = 46;
const COLON = 58;
const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** \s in ASCII; past ASCII the caller must not guess. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isFlag(c: number): boolean {
  return isDigit(c) || c === DOT || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The integer of text[start, end) (all digits), exactly as Number() reads it. */
function digitsValue(text: string, start: number, end: number): number {
  if (end - start > 15) return Number(text.slice(start, end));
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
}

/** Powers of ten a double holds exactly. */
const TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * "INT.FRAC" as Number() reads it: both sides exact integers, so the one
 * rounding of the division is the one rounding of the decimal reading.
 */
function decimalValue(text: string, start: number, dot: number, end: number): number {
  const frac = end - dot - 1;
  if (end - start - 1 > 15 || frac > 22) return Number(text.slice(start, end));
  let n = 0;
  for (let i = start; i < end; i++) if (i !== dot) n = n * 10 + (text.charCodeAt(i) - 48);
  return n / TEN[frac]!;
}

/** Past the whitespace at `i` (at least `min` of it), FAIL, or UNSURE at a character past ASCII. */
function spaces(text: string, i: number, min: number): number {
  const from = i;
  let c = text.charCodeAt(i);
  while (isSpace(c)) c = text.charCodeAt(++i);
  if (c >= 128) return UNSURE;
  return i - from >= min ? i : FAIL;
}

/** "TS: " at i: sets out.ts, returns the end, FAIL or UNSURE. */
function timestamp(text: string, i: number, out: PrefixMatch): number {
  const start = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === start || text.charCodeAt(i) !== DOT) return FAIL;
  const dot = i++;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === dot + 1 || text.charCodeAt(i) !== COLON) return FAIL;
  const end = spaces(text, i + 1, 1);
  if (end >= 0) out.ts = decimalValue(text, start, dot, i);
  return end;
}

/** The prefix matched at the '-' at p: its end, FAIL or UNSURE. */
function matchAt(text: string, p: number, out: PrefixMatch): number {
  let i = p + 1;
  const pidStart = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === pidStart) return FAIL;
  const pidEnd = i;
  i = spaces(text, i, 1);
  if (i < 0) return i;
  if (text.charCodeAt(i) === OPEN_PAREN) {
    // The tgid column "(  PID)".
    i = spaces(text, i + 1, 0);
    if (i < 0) return i;
    const from = i;
    for (let c = text.charCodeAt(i); isDigit(c) || c === DASH; c = text.charCodeAt(++i));
    if (i === from || text.charCodeAt(i) !== CLOSE_PAREN) return FAIL;
    i = spaces(text, i + 1, 1);
    if (i < 0) return i;
  }
  if (text.charCodeAt(i) !== OPEN_BRACKET) return FAIL;
  const cpuStart = ++i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === cpuStart || text.charCodeAt(i) !== CLOSE_BRACKET) return FAIL;
  const cpuEnd = i;
  i = spaces(text, i + 1, 1);
  if (i < 0) return i;
  // FLAGS: a run of 3 to 6 flag characters ending in whitespace; else none, and TS comes at once.
  let run = i;
  while (isFlag(text.charCodeAt(run))) run++;
  let end: number = FAIL;
  if (run - i >= 3 && run - i <= 6) {
    const after = spaces(text, run, 1);
    if (after === UNSURE) return UNSURE;
    if (after >= 0) end = timestamp(text, after, out);
    if (end === UNSURE) return UNSURE;
  }
  if (end === FAIL) end = timestamp(text, i, out);
  if (end < 0) return end;
  out.index = p;
  out.end = end;
  out.pid = digitsValue(text, pidStart, pidEnd);
  out.cpu = digitsValue(text, cpuStart, cpuEnd);
  return end;
}

/** Finds the prefix (true, `out` filled), or answers false (none) or UNSURE (let the regex decide). */
export function matchPrefix(text: string, out: PrefixMatch): boolean | typeof UNSURE {
  for (let p = text.indexOf('-'); p >= 0; p = text.indexOf('-', p + 1)) {
    const end = matchAt(text, p, out);
    if (end === UNSURE) return UNSURE;
    if (end >= 0) return true;
  }
  return false;
}
