// A traced call's own lines, with a few lines of context, as a read-only
// virtual document: the server reads them by byte offset, so opening a call
// of a 1 GiB trace never opens the file itself as text. Each line carries
// its line number in the file; a gap the server left out is marked.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TraceLinesRequest, type TraceLinesDto } from '../../protocol/lsp';
import { sendRequest } from '../lsp-requests';

export const TRACE_LINES_SCHEME = 'pinscope-trace-call';
/** Lines before and after the call. */
const CONTEXT = 5;

/** The document of call `index` of trace `traceId` (the name says which file and call). */
export function traceLinesUri(traceId: number, index: number, path: string): vscode.Uri {
  const name = path.split(/[\\/]/).pop() ?? 'trace';
  return vscode.Uri.from({ scheme: TRACE_LINES_SCHEME, path: `/${name} — call ${index + 1}`, query: new URLSearchParams({ trace: String(traceId), index: String(index) }).toString() });
}

/** The document's text, and the document line of each file line in it. */
export function renderLines(lines: TraceLinesDto): { text: string; rowOf: Map<number, number> } {
  const last = lines.blocks.at(-1);
  const width = String(last ? last.line + last.text.length : 1).length;
  const callLines = new Set(lines.callLines);
  const out: string[] = [];
  const rowOf = new Map<number, number>();
  let next: number | null = null;
  for (const block of lines.blocks) {
    if (next !== null && block.line > next) out.push(`${' '.repeat(width)} ┆ … ${(block.line - next).toLocaleString('en')} line(s) not part of the call left out`);
    block.text.forEach((text, i) => {
      const line = block.line + i;
      rowOf.set(line, out.length);
      out.push(`${String(line).padStart(width)} ${callLines.has(line) ? '▌' : '│'} ${text}`);
    });
    next = block.line + block.text.length;
  }
  if (lines.elided) out.push(`${' '.repeat(width)} ┆ (${lines.elided.toLocaleString('en')} more line(s) of the call not shown)`);
  return { text: `${out.join('\n')}\n`, rowOf };
}

export class TraceLinesProvider implements vscode.TextDocumentContentProvider {
  /** What each open document shows, to place the cursor on the call's first line. */
  private readonly shown = new Map<string, Map<number, number>>();

  constructor(private readonly client: LanguageClient) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const traceId = Number(query.get('trace'));
    const index = Number(query.get('index'));
    const lines = await sendRequest(this.client, TraceLinesRequest, { traceId, index, context: CONTEXT });
    if (!lines) return 'The language server no longer holds this trace (it was unloaded, or the server restarted): load the file again.\n';
    const { text, rowOf } = renderLines(lines);
    this.shown.set(uri.toString(), rowOf);
    return text;
  }

  /** Opens the call's lines beside nothing else, the cursor on `line` (1-based, in the file). */
  async show(uri: vscode.Uri, line: number, column: vscode.ViewColumn): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(uri);
    const row = this.shown.get(uri.toString())?.get(line) ?? 0;
    const at = new vscode.Position(row, 0);
    return vscode.window.showTextDocument(document, { viewColumn: column, preserveFocus: true, preview: true, selection: new vscode.Range(at, at) });
  }
}
