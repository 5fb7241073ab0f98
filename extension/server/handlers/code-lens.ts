// A code lens on every parsed call of netfs_extract_user_iter. Until a trace
// supplies the call's real inputs, the lens replays the spec's example E1.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { EXAMPLE_E1 } from '../../engine/examples';
import { REPLAY_CALL_SITE_COMMAND, type ReplayCallSiteArgs } from '../../protocol/lsp';
import type { CallSiteIndex } from '../call-site-index';

export function codeLensHandler(documents: TextDocuments<TextDocument>, index: CallSiteIndex) {
  return async (params: CodeLensParams): Promise<CodeLens[]> => {
    const document = documents.get(params.textDocument.uri);
    if (!document) return [];
    const sites = await index.sitesFor(document.uri, document.version, document.getText());
    return sites.map((site) => {
      const args: ReplayCallSiteArgs = {
        uri: document.uri,
        line: site.start.line,
        caller: site.caller,
        call: EXAMPLE_E1,
      };
      return {
        range: { start: site.nameStart, end: site.nameEnd },
        command: {
          // Until a trace gives this call's inputs, the lens replays the spec's example.
          title: 'Pinscope: replay (example E1)',
          tooltip: `Replay ${site.callee}${site.caller ? ` as called from ${site.caller}` : ''} through the kernel model`,
          command: REPLAY_CALL_SITE_COMMAND,
          arguments: [args],
        },
      };
    });
  };
}
