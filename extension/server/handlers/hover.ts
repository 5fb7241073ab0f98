// Hovers: on a definition's name, what its variant does; on a call, how the
// caller handles the result, each point with the line that does it.
import type { CancellationToken, Hover, HoverParams, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { VARIANT_DESCRIPTIONS, type CallerHandling } from '../../source';
import type { DocumentAnalysis } from '../document-analysis';
import { dropIfCancelled } from '../lsp-requests';

function fact(label: string, f: { what: string; line: number } | null, missing: string): string {
  return f ? `- ${label}: \`${f.what.replace(/\s+/g, ' ').slice(0, 90)}\` (line ${f.line + 1})` : `- ${missing}`;
}

export function describeHandling(h: CallerHandling): string {
  const lines = [`**netfs_extract_user_iter** called from \`${h.function ?? '(file scope)'}\``, ''];
  if (h.resultIgnored) lines.push('- the result is ignored: errors and the bvec count are lost');
  else if (h.storedIn) lines.push(`- the result goes to \`${h.storedIn}\``);
  lines.push(fact('checks for an error', h.checksNegative, 'no check for a negative result in this function'));
  lines.push(fact('stores the bvec count', h.storesCount, 'the bvec count is not stored in this function'));
  lines.push(fact('records iov_iter_extract_will_pin', h.recordsWillPin, 'iov_iter_extract_will_pin is not recorded here: whoever unpins must know the pages are pinned'));
  if (h.releases.length) lines.push(`- releases here: ${h.releases.map((r) => `${r.what} (line ${r.line + 1})`).join(', ')}`);
  else lines.push('- no unpin or kvfree in this function: the request is expected to release the bvecs and their pins later');
  if (h.usedAsBytes) lines.push(`- **the bvec count is used as a byte count**: \`${h.usedAsBytes.what}\` (line ${h.usedAsBytes.line + 1})`);
  return lines.join('\n');
}

function within(line: number, character: number, start: { line: number; col: number }, endCol: number): boolean {
  return line === start.line && character >= start.col && character <= endCol;
}

export function hoverHandler(documents: TextDocuments<TextDocument>, analysis: DocumentAnalysis) {
  return async (params: HoverParams, token?: CancellationToken): Promise<Hover | null> => {
    // While edits still arrive, wait for the newest text (or the client's cancel).
    await analysis.quiet(params.textDocument.uri, () => !token?.isCancellationRequested);
    dropIfCancelled(token);
    const document = documents.get(params.textDocument.uri);
    if (!document) return null;
    const facts = await analysis.factsFor(document.uri, document.version, document.getText());
    dropIfCancelled(token);
    const { line, character } = params.position;
    const entry = facts.entries.find((e) => within(line, character, { line: e.line, col: e.col }, e.endCol));
    if (!entry) return null;
    const range = { start: { line: entry.line, character: entry.col }, end: { line: entry.endLine, character: entry.endCol } };
    if (entry.kind === 'definition' && entry.fingerprint) {
      const fp = entry.fingerprint;
      const text = [
        VARIANT_DESCRIPTIONS[fp.variant],
        fp.nearest ? `Nearest known variant: ${fp.nearest}. ${VARIANT_DESCRIPTIONS[fp.nearest]}` : '',
        fp.removalInProgress ? 'This definition sits inside `#if 0`: the function is being removed.' : '',
        fp.markers.length ? `Markers found: ${fp.markers.join(', ')}.` : '',
      ].filter(Boolean);
      return { range, contents: { kind: 'markdown', value: text.join('\n\n') } };
    }
    if (entry.kind === 'call' && entry.symbol === 'netfs_extract_user_iter') {
      const handling = facts.callers.find((h) => h.line === entry.line && h.col === entry.col);
      if (handling) return { range, contents: { kind: 'markdown', value: describeHandling(handling) } };
    }
    return null;
  };
}
