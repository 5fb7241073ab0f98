// Diagnostics on calls of netfs_extract_user_iter, from the enclosing
// function's parse only: the result ignored, a negative result not handled,
// the bvec count used as a byte count.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { DocumentFacts } from '../document-analysis';

export type DiagnosticLevel = 'error' | 'warning' | 'information' | 'hint' | 'off';

const SEVERITY: Record<Exclude<DiagnosticLevel, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function diagnosticsFor(facts: DocumentFacts, level: DiagnosticLevel): Diagnostic[] {
  if (level === 'off') return [];
  const severity = SEVERITY[level];
  const out: Diagnostic[] = [];
  for (const h of facts.callers) {
    const range = { start: { line: h.line, character: h.col }, end: { line: h.line, character: h.endCol } };
    const add = (code: string, message: string) => out.push({ range, severity, source: 'pinscope', code, message });
    if (h.resultIgnored) {
      add('result-ignored', 'The result of netfs_extract_user_iter is ignored: an error is lost, and so is the bvec array it allocated (it must be kvfree()d and its pages unpinned).');
      continue;
    }
    if (!h.checksNegative) add('negative-unhandled', `A negative result of netfs_extract_user_iter is not handled in ${h.function ?? 'this function'}: on -EFAULT or -ENOMEM the new iterator is left untouched.`);
    if (h.usedAsBytes) add('count-as-bytes', `netfs_extract_user_iter returns a number of bvecs, not bytes: "${h.usedAsBytes.what.replace(/\s+/g, ' ')}" (line ${h.usedAsBytes.line + 1}); the byte count is the new iterator's count.`);
  }
  return out;
}
