// Shows the source lines a replay step ran: in the workspace's own
// definition when its variant is the replay's (the steps are found there by
// their code's shape), otherwise in a read-only rendering of that variant.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { sourceAnchors, VARIANT_TABLE } from '../../engine';
import type { ReplayResultDto, VariantId } from '../../protocol/dto';
import { IndexListRequest } from '../../protocol/lsp';
import { sendRequest } from '../lsp-requests';

export const VARIANT_SCHEME = 'pinscope-variant';

/** pinscope-variant:/v3/netfs_extract_user_iter.c — the variant's reference source, read-only. */
export class VariantSourceProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const id = uri.path.split('/')[1] as VariantId;
    const variant = VARIANT_TABLE[id];
    return variant ? `/* Pinscope: ${variant.id} ${variant.title} (${variant.commit}) — reference rendition, not kernel source */\n${variant.source}` : '';
  }
}

export async function revealStep(client: LanguageClient, result: ReplayResultDto, index: number): Promise<vscode.TextEditor | undefined> {
  const step = result.steps[index];
  if (!step) return undefined;
  const list = await sendRequest(client, IndexListRequest, { symbol: 'netfs_extract_user_iter' });
  const own = list.entries.find((e) => e.kind === 'definition' && e.variant === result.variant);
  let uri: vscode.Uri;
  let first: number;
  let last: number;
  const fromOwn = own ? await lines(vscode.Uri.parse(own.uri), own.line, step.anchor) : null;
  if (own && fromOwn) {
    uri = vscode.Uri.parse(own.uri);
    [first, last] = fromOwn;
  } else {
    uri = vscode.Uri.parse(`${VARIANT_SCHEME}:/${result.variant}/netfs_extract_user_iter.c`);
    // The rendering has one header line above the function.
    [first, last] = [step.lines[0], step.lines[1]];
  }
  const range = new vscode.Range(first, 0, last, Number.MAX_SAFE_INTEGER);
  return vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preserveFocus: true, selection: range });
}

/** Zero-based lines of a step in the workspace definition starting at `line`. */
async function lines(uri: vscode.Uri, line: number, anchor: string): Promise<[number, number] | null> {
  const document = await vscode.workspace.openTextDocument(uri);
  const text = document.getText(new vscode.Range(line, 0, document.lineCount, 0));
  const found = sourceAnchors(text)[anchor as keyof ReturnType<typeof sourceAnchors>];
  return found ? [line + found[0] - 1, line + found[1] - 1] : null;
}

/** The step whose lines hold `line` of `uri`, when `uri` shows the replay's variant. */
export async function stepAtLine(client: LanguageClient, result: ReplayResultDto, uri: vscode.Uri, line: number): Promise<number | null> {
  let anchorLines: Partial<Record<string, readonly [number, number]>>;
  if (uri.scheme === VARIANT_SCHEME) {
    if (uri.path.split('/')[1] !== result.variant) return null;
    // One header line above the rendered function.
    anchorLines = Object.fromEntries(Object.entries(VARIANT_TABLE[result.variant].lines).map(([k, v]) => [k, [v![0], v![1]] as const]));
  } else {
    const list = await sendRequest(client, IndexListRequest, { symbol: 'netfs_extract_user_iter' });
    const own = list.entries.find((e) => e.kind === 'definition' && e.variant === result.variant && e.uri === uri.toString());
    if (!own) return null;
    const document = await vscode.workspace.openTextDocument(uri);
    const found = sourceAnchors(document.getText(new vscode.Range(own.line, 0, document.lineCount, 0)));
    anchorLines = Object.fromEntries(Object.entries(found).map(([k, v]) => [k, [own.line + v![0] - 1, own.line + v![1] - 1] as const]));
  }
  const index = result.steps.findIndex((step) => {
    const lines = anchorLines[step.anchor];
    return lines !== undefined && lines[0] <= line && line <= lines[1];
  });
  return index >= 0 ? index : null;
}
