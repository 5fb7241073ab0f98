// Pinscope: Copy Tracing Recipe…, Reindex Workspace and Simulate Call… —
// each asks the user in quick inputs (or takes arguments, for scripts and
// tests) and hands the work to the server.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { toChromeTraceEvents } from '../../engine/trace-event-export';
import type { CallDto, VariantId } from '../../protocol/dto';
import { IndexRebuildRequest, RecipeRequest, ServerMemoryRequest, type RecipeParams } from '../../protocol/lsp';
import { registerCommand, sendRequest } from '../lsp-requests';
import type { ReplayPanel } from './replay-panel';

const KERNELS = ['6.3', '6.4', '6.6', '6.8', '6.10', '6.12', '6.18', '7.0', '7.1'];

async function pick<T extends string>(items: readonly T[], placeHolder: string): Promise<T | undefined> {
  return (await vscode.window.showQuickPick([...items], { placeHolder })) as T | undefined;
}

export function registerMoreCommands(client: LanguageClient, panel: ReplayPanel, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    // What the language server holds (a loaded trace's columns are in arrayBuffers), for a user wondering and for the editor-ui bench.
    registerCommand('pinscope.showServerMemory', async () => {
      const memory = await sendRequest(client, ServerMemoryRequest, {});
      const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
      const text = `language server memory: heap ${mib(memory.heapUsed)} used of ${mib(memory.heapTotal)}, arrays ${mib(memory.arrayBuffers)}, RSS ${mib(memory.rss)}`;
      log.info(text);
      void vscode.window.showInformationMessage(`Pinscope: ${text}`);
      return memory;
    }),
    registerCommand('pinscope.copyRecipe', async (given?: RecipeParams) => {
      const defaultKernel = vscode.workspace.getConfiguration('pinscope').get<string>('kernel', '6.12');
      const kernel = given?.kernel ?? (await pick(KERNELS, `Kernel version (the one you will trace; ${defaultKernel} in settings)`));
      if (!kernel) return undefined;
      const kind = given?.kind ?? (await pick(['shell', 'kprobe', 'bpftrace'] as const, 'Recipe: a shell script for tracefs, kprobe_events lines, or a bpftrace script'));
      if (!kind) return undefined;
      const arch = given?.arch ?? (await pick(['x86_64', 'arm64'] as const, 'Architecture'));
      if (!arch) return undefined;
      const result = await sendRequest(client, RecipeRequest, { kernel, kind, arch });
      if (!result.ok) {
        void vscode.window.showErrorMessage(`Pinscope: ${result.error}`);
        return undefined;
      }
      await vscode.env.clipboard.writeText(result.text);
      for (const note of result.notes) log.info(`recipe ${kernel} ${arch}: ${note}`);
      void vscode.window.showInformationMessage(`Pinscope: the ${kind} recipe for ${kernel} ${arch} is on the clipboard.`);
      return result.text;
    }),
    registerCommand('pinscope.reindexWorkspace', async () => {
      const status = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Pinscope: indexing' }, () =>
        sendRequest(client, IndexRebuildRequest, {}),
      );
      log.info(`re-index: ${status.state}, ${status.entries} entries, ${status.scanned} files read, ${status.milliseconds} ms`);
      return status;
    }),
    registerCommand('pinscope.simulateCall', async (given?: Partial<CallDto>) => {
      const call = given ?? (await askForCall());
      if (!call) return;
      const settings = vscode.workspace.getConfiguration('pinscope');
      const withDefaults: Partial<CallDto> = {
        pageSize: settings.get<number>('pageSize', 4096),
        kernel: settings.get<string>('kernel', '6.12'),
        ...call,
      };
      await panel.show('simulated call', withDefaults as CallDto);
    }),
  ];
}

/** The quick-input wizard: iterator, buffer, direction, variant. */
async function askForCall(): Promise<Partial<CallDto> | undefined> {
  const iter = await pick(['ubuf', 'iovec'] as const, 'Iterator: one user buffer (read/write) or an iovec array (readv/writev)');
  if (!iter) return undefined;
  const segments = await vscode.window.showInputBox({
    title: 'Pinscope: Simulate Call',
    prompt: iter === 'ubuf' ? 'User buffer as ADDR:LEN' : 'Segments as ADDR:LEN,ADDR:LEN,…',
    value: iter === 'ubuf' ? '0x7f0000001100:0x3000' : '0x7f0000001000:0x800,0x7f0000001800:0x1000',
    validateInput: (text) => (/^(0x[0-9a-f]+|\d+):(0x[0-9a-f]+|\d+)(,(0x[0-9a-f]+|\d+):(0x[0-9a-f]+|\d+))*$/i.test(text.trim()) ? null : 'ADDR:LEN[,ADDR:LEN…], hex or decimal'),
  });
  if (!segments) return undefined;
  const dir = await pick(['read', 'write'] as const, 'Direction: read (into user memory, FOLL_WRITE) or write (from it)');
  if (!dir) return undefined;
  const variant = await pick(['v3', 'v2', 'v1', 'v0'] as VariantId[], 'Variant of netfs_extract_user_iter');
  if (!variant) return undefined;
  return {
    iter,
    segments: segments.split(',').map((part) => {
      const [addr, len] = part.trim().split(':');
      return { addr: addr!, len: Number(len) };
    }),
    dir,
    variant,
  };
}

/** Pinscope: Export Replay… — the replay on screen as JSON, or as Chrome trace events for Perfetto. */
export function registerExportCommand(panel: ReplayPanel): vscode.Disposable {
  return registerCommand('pinscope.exportReplay', async (given?: { uri: vscode.Uri; format: 'json' | 'chrome' }) => {
    const shown = await panel.shownWhole();
    if (!shown) {
      void vscode.window.showInformationMessage('Pinscope: open a replay first (a code lens, a traced call, or Simulate Call…).');
      return undefined;
    }
    const format =
      given?.format ??
      (await pick(['json', 'chrome'] as const, 'Export as the replay JSON, or as Chrome trace-event JSON (opens in Perfetto)'));
    if (!format) return undefined;
    const uri =
      given?.uri ??
      (await vscode.window.showSaveDialog({
        title: 'Export replay',
        filters: { JSON: ['json'] },
        defaultUri: vscode.Uri.file(format === 'json' ? 'replay.json' : 'replay.trace.json'),
      }));
    if (!uri) return undefined;
    const body = format === 'json' ? shown.result : toChromeTraceEvents(shown.result, shown.title);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(body, null, 2) + '\n'));
    void vscode.window.showInformationMessage(`Pinscope: replay exported to ${vscode.workspace.asRelativePath(uri)}`);
    return uri;
  });
}
