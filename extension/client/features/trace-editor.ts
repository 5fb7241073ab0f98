// "Open with… Pinscope trace": a read-only custom editor listing a trace's
// calls with their verdicts; choosing one opens its replay (as the Traces
// view does). The trace is loaded once and joins the Traces view.
import * as vscode from 'vscode';
import { isWebviewToHost } from '../../protocol/guards';
import { WEBVIEW_PROTOCOL_VERSION } from '../../protocol/webview';
import { loadPinscopeWebview } from '../webview-host';
import type { TracesView } from './traces-view';

export const TRACE_EDITOR_VIEW_TYPE = 'pinscope.traceFile';

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly traces: TracesView,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    loadPinscopeWebview(panel.webview, this.extensionUri);
    panel.webview.onDidReceiveMessage(async (message: unknown) => {
      if (!isWebviewToHost(message)) return;
      if (message.type === 'ready') {
        const trace = await this.traces.replayTraceFile(document.uri);
        if (trace) {
          void panel.webview.postMessage({
            v: WEBVIEW_PROTOCOL_VERSION,
            type: 'showTraceCalls',
            title: `${vscode.workspace.asRelativePath(document.uri)} (${trace.format}, replayed as ${trace.variant.variant}: ${trace.variant.reason})`,
            traceId: trace.traceId,
            calls: trace.calls,
          });
        } else {
          void panel.webview.postMessage({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showError', message: `Pinscope could not read ${document.uri.fsPath}.` });
        }
      } else if (message.type === 'openTraceCall') {
        await this.traces.openCall(message.traceId, message.index);
      }
    });
  }
}
