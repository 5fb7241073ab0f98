// Code lenses: on each definition, the variant the tree has; on each call of
// netfs_extract_user_iter, the enclosing function and a replay (the spec's
// example E1 until a trace gives the call's real inputs).
import type { CancellationToken, CodeLens, CodeLensParams, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EXAMPLE_E1 } from '../../engine/examples';
import { REPLAY_CALL_SITE_COMMAND, SHOW_VARIANT_COMMAND, type ReplayCallSiteArgs, type ShowVariantArgs } from '../../protocol/lsp';
import { TARGET_FUNCTION } from '../../source';
import type { DocumentAnalysis } from '../document-analysis';
import { dropIfCancelled } from '../lsp-requests';

/** "3 traced calls (1 short-extraction)" for a call site, once traces are loaded. */
export type TracedCallsAt = (caller: string) => { calls: number; anomalies: Map<string, number> };

export function codeLensHandler(documents: TextDocuments<TextDocument>, analysis: DocumentAnalysis, traced: TracedCallsAt) {
  return async (params: CodeLensParams, token?: CancellationToken): Promise<CodeLens[]> => {
    // While edits still arrive, wait for the newest text (or the client's cancel).
    await analysis.quiet(params.textDocument.uri, () => !token?.isCancellationRequested);
    dropIfCancelled(token);
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const facts = await analysis.factsFor(document.uri, document.version, document.getText());
    dropIfCancelled(token);
    const lenses: CodeLens[] = [];
    for (const entry of facts.entries) {
      if (entry.symbol !== TARGET_FUNCTION) continue;
      const range = { start: { line: entry.line, character: entry.col }, end: { line: entry.endLine, character: entry.endCol } };
      if (entry.kind === 'call') {
        const args: ReplayCallSiteArgs = { uri: document.uri, line: entry.start.line, caller: entry.function, call: EXAMPLE_E1 };
        const fromHere = entry.function ? traced(entry.function) : { calls: 0, anomalies: new Map<string, number>() };
        const tracedNote = fromHere.calls
          ? ` · ${fromHere.calls} traced call${fromHere.calls === 1 ? '' : 's'}${
              fromHere.anomalies.size ? ` (${[...fromHere.anomalies].map(([kind, n]) => `${n} ${kind}`).join(', ')})` : ''
            }`
          : '';
        lenses.push({
          range,
          command: {
            title: `Pinscope: replay (example E1)${tracedNote}`,
            tooltip: `Replay ${entry.symbol}${entry.function ? ` as called from ${entry.function}` : ''} through the kernel model`,
            command: REPLAY_CALL_SITE_COMMAND,
            arguments: [args],
          },
        });
      } else if (entry.kind === 'definition' && entry.fingerprint) {
        const fp = entry.fingerprint;
        const variant = fp.variant === 'unknown' ? `unknown (nearest ${fp.nearest})` : fp.variant;
        const args: ShowVariantArgs = { uri: document.uri, line: entry.line, variant: fp.variant, nearest: fp.nearest };
        lenses.push({
          range,
          command: {
            title: `Pinscope: variant ${variant}${fp.removalInProgress ? ' (inside #if 0: being removed)' : ''}`,
            command: SHOW_VARIANT_COMMAND,
            arguments: [args],
          },
        });
      }
    }
    return lenses;
  };
}
