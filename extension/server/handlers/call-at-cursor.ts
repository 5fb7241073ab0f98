// pinscope/call/atCursor: the call to replay for "replay the call at the cursor".
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EXAMPLE_E1 } from '../../engine/examples';
import type { CallAtCursorParams, ReplayCallSiteArgs } from '../../protocol/lsp';
import { TARGET_FUNCTION } from '../../source';
import type { DocumentAnalysis } from '../document-analysis';

export function callAtCursorHandler(documents: TextDocuments<TextDocument>, analysis: DocumentAnalysis) {
  return async (params: CallAtCursorParams): Promise<ReplayCallSiteArgs | null> => {
    const document = documents.get(params.uri);
    if (!document) return null;
    const facts = await analysis.factsFor(document.uri, document.version, document.getText());
    const calls = facts.entries.filter((e) => e.kind === 'call' && e.symbol === TARGET_FUNCTION);
    // The call whose expression holds the cursor, else the nearest one above it.
    const inside = calls.find((c) => c.start.line <= params.line && params.line <= c.end.line);
    const above = calls.filter((c) => c.start.line <= params.line).pop();
    const call = inside ?? above;
    return call ? { uri: document.uri, line: call.start.line, caller: call.function, call: EXAMPLE_E1 } : null;
  };
}
