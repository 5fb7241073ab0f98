// The Pinscope language server: connection wiring only; the work is in handlers/.
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadCParserWasm } from '../node/wasm-locate';
import { ReplayCallRequest } from '../protocol/lsp';
import { createCParser } from '../source';
import { CallSiteIndex } from './call-site-index';
import { codeLensHandler } from './handlers/code-lens';
import { replayHandler } from './handlers/replay';
import { onRequest } from './lsp-requests';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const index = new CallSiteIndex(createCParser(loadCParserWasm()));

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    codeLensProvider: { resolveProvider: false },
  },
  serverInfo: { name: 'pinscope' },
}));

connection.onCodeLens(codeLensHandler(documents, index));
onRequest(connection, ReplayCallRequest, replayHandler());
documents.onDidClose((event: { document: TextDocument }) => index.forget(event.document.uri));

documents.listen(connection);
connection.listen();
