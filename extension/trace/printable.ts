// Text from a trace, made safe to show. A task's name is whatever bytes the
// process chose (prctl PR_SET_NAME) and ftrace prints it raw, so any field can
// hold terminal control sequences (ESC [ … m, a C1 CSI, a bidi override that
// reorders what the reader sees). Every place that shows trace text — the
// terminal table, the tree views, the webview — passes it through here.
// Backslashes are left alone, so escaping twice changes nothing.

/** C0 controls and DEL, C1 controls, and the invisible format characters that reorder or hide text. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
/** The same less C0, which JSON.stringify escapes itself (its own newlines are layout). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/** The text with every control or invisible format character written as an escape: ESC -> \x1b, U+202E -> \u202e. */
export function printable(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_ALL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
  });
}

/**
 * JSON for a terminal: the same data (JSON.stringify already escapes C0), with
 * the rest of those characters written as JSON's \u escapes, so the text is
 * still valid JSON of exactly the same values.
 */
export function printableJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}
