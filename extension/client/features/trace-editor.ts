// "Open With… Pinscope trace": a read-only custom editor showing the whole
// trace at a glance (the overview) above its calls, both asked of the server
// a window or a page at a time; choosing a call opens its replay (as the
// Traces view does). The file is loaded once: showing the editor again, or
// opening it after the Traces view loaded it, uses the trace the server
// holds. Closing the editor unloads the trace.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { isWebviewToHost } from '../../protocol/guards';
import { TraceCallsRequest, type TraceInfoDto } from '../../protocol/lsp';
import type { OverviewHistogramDto } from '../../protocol/trace-overview';
import { TRACE_CALL_PAGE, WEBVIEW_PROTOCOL_VERSION, type HostToWebview } from '../../protocol/webview';
import { printable } from '../../trace/printable';
import { sendRequest } from '../lsp-requests';
import { filterOf, histogramsOf, listedRow, overviewOf, type Ask } from '../trace-overview';
import { loadPinscopeWebview } from '../webview-host';
import type { TracesView } from './traces-view';

export const TRACE_EDITOR_VIEW_TYPE = 'pinscope.traceFile';
/** Time columns of the first paint (the webview asks for its own width after a zoom). */
const FIRST_BINS = 400;

interface TraceDocument extends vscode.CustomDocument {
  /** The trace the server holds for this file, once loaded. */
  trace: TraceInfoDto | undefined;
  histograms: OverviewHistogramDto[] | undefined;
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  private readonly ask: Ask;

  constructor(
    private readonly extensionUri: vscode.Uri,
    client: LanguageClient,
    private readonly traces: TracesView,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.ask = (request, params) => sendRequest(client, request, params);
  }

  openCustomDocument(uri: vscode.Uri): TraceDocument {
    const document: TraceDocument = {
      uri,
      trace: undefined,
      histograms: undefined,
      // Closing the editor frees the trace on the server.
      dispose: () => {
        if (document.trace) void this.traces.unload(document.trace.traceId).catch(() => undefined);
      },
    };
    return document;
  }

  resolveCustomEditor(document: TraceDocument, panel: vscode.WebviewPanel): void {
    loadPinscopeWebview(panel.webview, this.extensionUri);
    const post = (message: HostToWebview) => void panel.webview.postMessage(message);
    const title = vscode.workspace.asRelativePath(document.uri);
    const gone = () => post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showError', message: `The language server no longer holds ${title}: close this editor and open the file again.` });
    panel.webview.onDidReceiveMessage(async (message: unknown) => {
      if (!isWebviewToHost(message)) return;
      try {
        if (message.type === 'ready') {
          // Shown again after being hidden (or restored): the trace the server holds, not a new load.
          const held = this.traces.loaded.find((t) => (document.trace ? t.traceId === document.trace.traceId : t.path === document.uri.fsPath));
          document.trace = held || (await this.traces.open(document.uri));
          if (!document.trace) return post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showError', message: `Pinscope could not read ${document.uri.fsPath}.` });
          document.histograms ??= (await histogramsOf(this.ask, document.trace.traceId)) ?? undefined;
          const overview = document.histograms && (await overviewOf(this.ask, document.trace, document.histograms, { bins: FIRST_BINS, firstLane: 0 }));
          if (!overview) return gone();
          const v = document.trace.decision;
          post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showTrace', title: printable(`${title} (${document.trace.format}, replayed as ${v.variant}: ${v.reason})`), overview });
        } else if (message.type === 'requestOverview' && document.trace && document.histograms) {
          const overview = await overviewOf(this.ask, document.trace, document.histograms, message);
          if (overview) post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'overviewBins', overview });
        } else if (message.type === 'requestCalls') {
          const page = await this.ask(TraceCallsRequest, { traceId: message.traceId, filter: filterOf(message.selection), offset: message.start, limit: Math.min(message.count, TRACE_CALL_PAGE) });
          post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'traceCallRows', traceId: message.traceId, query: message.query, start: message.start, total: page?.total ?? null, calls: page?.calls.map(listedRow) ?? [] });
        } else if (message.type === 'openTraceCall') {
          await this.traces.openCall(message.traceId, message.index, { revealSource: false });
        }
      } catch (error) {
        this.log.warn(`the trace editor of ${title}: ${(error as Error).message}`);
      }
    });
  }
}
