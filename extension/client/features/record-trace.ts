// "Pinscope: Record Trace…": pick a target (machine-scoped settings only, never
// the workspace's), a kind and an optional workload, see the recipe, record
// with a status bar item (calls, events, lost, elapsed; click for Stop/Cancel),
// keep the raw trace gzip'd under .pinscope/traces/ with its sidecar. The
// trace is live in the Traces view from its first byte: the recorder also
// writes it plain to a temporary file the language server follows (its calls
// appear as they complete); at the end the server reads the rest and lists
// the trace under the saved copy (the temporary file, the same bytes, stays
// the server's to read calls again from until the trace is unloaded). The
// recording itself is extension/node/record-session.ts, the same one
// `pinscope record` runs.
import * as vscode from 'vscode';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTarget, parseTarget, startRecording, writeSidecar, type Recording, type TargetSpec } from '../../node/record-session';
import { formatOf } from '../../record/plan';
import { RECORD_KINDS, type RecordKind } from '../../record/script';
import type { TraceInfoDto } from '../../protocol/lsp';
import { registerCommand } from '../lsp-requests';
import type { TracesView } from './traces-view';

export const RECORD_COMMAND = 'pinscope.recordTrace';
const STOP_COMMAND = 'pinscope.stopRecording';
const TARGETS_SETTING = 'record.targets';

export interface TargetSetting {
  readonly name?: string;
  /** "local" or "ssh://[user@]host[:port]" */
  readonly target?: string;
  /** A command that runs a script from its stdin as root and streams its stdout back. */
  readonly command?: string;
}

function specOf(setting: TargetSetting): TargetSpec | null {
  if (setting.command?.trim()) return { kind: 'command', command: setting.command };
  return setting.target ? parseTarget(setting.target) : null;
}

/** The targets from the user's (machine-scoped) settings: a workspace cannot add one. */
function configuredTargets(): TargetSetting[] {
  const inspected = vscode.workspace.getConfiguration('pinscope').inspect<TargetSetting[]>(TARGETS_SETTING);
  const value = inspected?.globalValue ?? [];
  return Array.isArray(value) ? value : [];
}

async function addTarget(): Promise<TargetSetting | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Pinscope: add a recording target',
    prompt: 'local, ssh://[user@]host[:port], or a command that runs a script from its stdin as root (vng --exec "sh -s", docker exec -i NAME sh, …)',
    placeHolder: 'ssh://root@test-vm',
    ignoreFocusOut: true,
  });
  if (!text?.trim()) return undefined;
  const setting: TargetSetting = parseTarget(text.trim()) ? { target: text.trim() } : { command: text.trim() };
  await vscode.workspace.getConfiguration('pinscope').update(TARGETS_SETTING, [...configuredTargets(), setting], vscode.ConfigurationTarget.Global);
  return setting;
}

async function pickTarget(): Promise<TargetSetting | undefined> {
  const targets = configuredTargets();
  type Item = vscode.QuickPickItem & { setting?: TargetSetting };
  const items: Item[] = targets.flatMap((setting) => {
    const spec = specOf(setting);
    return spec ? [{ label: setting.name ?? describeTarget(spec), description: setting.name ? describeTarget(spec) : undefined, setting }] : [];
  });
  items.push({ label: '$(add) Add a target…' });
  const picked = await vscode.window.showQuickPick(items, { title: 'Pinscope: record on which target?', ignoreFocusOut: true });
  if (!picked) return undefined;
  return picked.setting ?? (await addTarget());
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export interface RecordPreset {
  readonly target: TargetSetting;
  readonly kind: RecordKind;
  /** A command line run with sh -c on the target; empty: until Stop. */
  readonly workload: string;
}

export class TraceRecorder implements vscode.Disposable {
  private active: Recording | null = null;
  private readonly item = vscode.window.createStatusBarItem('pinscope.recording', vscode.StatusBarAlignment.Left, 9);

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly traces: Pick<TracesView, 'follow' | 'finish' | 'unload'>,
  ) {
    this.item.name = 'Pinscope recording';
    this.item.command = STOP_COMMAND;
  }

  register(): vscode.Disposable[] {
    return [registerCommand(RECORD_COMMAND, () => this.record()), registerCommand(STOP_COMMAND, () => this.askStop()), this];
  }

  /** Stop the recording in progress (tests; the status bar item asks first). */
  stop(): void {
    this.active?.stop();
  }

  private async askStop(): Promise<void> {
    if (!this.active) return;
    const choice = await vscode.window.showQuickPick(
      [
        { label: '$(debug-stop) Stop', description: 'keep the trace and load it', action: 'stop' as const },
        { label: '$(close) Cancel', description: 'discard the trace', action: 'cancel' as const },
      ],
      { title: 'Pinscope: the recording' },
    );
    if (choice?.action === 'stop') this.active?.stop();
    else if (choice?.action === 'cancel') this.active?.cancel();
  }

  /** What the status bar item says (tests read it). */
  get statusText(): string | null {
    return this.active ? this.item.text : null;
  }

  /**
   * The command. `preset` skips the pickers and the confirmation (tests, and
   * other extensions through the API); everything after them is the same.
   */
  async record(preset?: RecordPreset): Promise<vscode.Uri | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Pinscope records only in a trusted workspace (it runs a script as root on the target).');
      return undefined;
    }
    if (this.active) {
      void vscode.window.showInformationMessage('Pinscope is recording already: stop it first (status bar).');
      return undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('Pinscope saves recordings under the workspace folder\'s .pinscope/traces/: open a folder first.');
      return undefined;
    }
    const setting = preset ? preset.target : await pickTarget();
    const target = setting && specOf(setting);
    if (!target) return undefined;
    const kind = preset ? preset.kind : ((await vscode.window.showQuickPick(RECORD_KINDS.map((k) => k), { title: 'Pinscope: record with' })) as RecordKind | undefined);
    if (!kind) return undefined;
    const workload = preset
      ? preset.workload
      : await vscode.window.showInputBox({
          title: 'Pinscope: a workload to run on the target while recording (empty: record until Stop)',
          placeHolder: 'dd if=/mnt/9p/file of=/dev/null bs=16k count=4',
          ignoreFocusOut: true,
        });
    if (workload === undefined) return undefined;

    const dir = join(folder.uri.fsPath, '.pinscope', 'traces');
    mkdirSync(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const output = join(dir, `${stamp}-${kind}.trace.gz`);
    // What the server follows: plain text, the same bytes as the gzip'd copy.
    const followed = join(tmpdir(), `pinscope-recording-${process.pid}-${stamp}.trace`);
    let live: Promise<TraceInfoDto | undefined> | null = null;
    let calls = 0;
    const render = (p: { events: number; calls: number; lost: number; elapsedMs: number }) => {
      this.item.text = `$(record) Pinscope: ${p.calls} calls · ${p.events} events · ${p.lost} lost · ${elapsed(p.elapsedMs)}`;
      this.item.tooltip = `Recording ${kind} on ${describeTarget(target)} into ${vscode.workspace.asRelativePath(output)} — click to Stop or Cancel`;
    };
    render({ events: 0, calls: 0, lost: 0, elapsedMs: 0 });
    this.item.show();
    const started = Date.now();
    const ticker = setInterval(() => render({ ...last, elapsedMs: Date.now() - started }), 1000);
    let last = { events: 0, calls: 0, lost: 0, elapsedMs: 0 };
    this.log.info(`recording ${kind} on ${describeTarget(target)} into ${output}`);
    const recording = startRecording({
      target,
      kind,
      output,
      plainCopy: followed,
      elevate: 'pkexec',
      workload: workload.trim() ? ['sh', '-c', workload.trim()] : [],
      confirm: async (choice, _facts, script) => {
        if (preset) return true;
        // The recipe, as it will run, before it runs.
        const doc = await vscode.workspace.openTextDocument({ language: 'shellscript', content: choice.plan.definitions.map((d) => `# ${d.file}: ${d.text}`).join('\n') + '\n\n' + script });
        await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
        const go = await vscode.window.showInformationMessage(
          choice.bpftrace
            ? `Record with bpftrace on ${describeTarget(target)} (Linux ${choice.kernel}; ${choice.bpftrace.reason})? The script beside runs bpftrace as root there; its probes go away when it stops.`
            : `Record ${kind} on ${describeTarget(target)} (Linux ${choice.kernel})? The script beside runs as root there; it records into instances/pinscope-${choice.plan.id} and removes what it made.`,
          { modal: true },
          'Record',
        );
        return go === 'Record';
      },
      onStderr: (chunk) => this.log.info(chunk.toString('utf8').trimEnd()),
      // The trace is on the way: the server follows it from here.
      onRecording: () => {
        live ??= this.traces.follow(followed, formatOf(kind)).catch((error: Error) => {
          this.log.warn(`the recording is not shown live: ${error.message}`);
          return undefined;
        });
      },
      onCall: () => calls++,
      onProgress: (p) => {
        last = p;
        render(p);
      },
    });
    this.active = recording;
    let result;
    try {
      result = await recording.done;
    } finally {
      clearInterval(ticker);
      this.active = null;
      this.item.hide();
    }
    this.log.info(`recording ended: ${result.outcome}; ${result.progress.events} events, ${calls} calls, ${result.progress.lost} lost; cleanup ${result.cleanup ?? 'not confirmed'}`);
    const trace = await (live as Promise<TraceInfoDto | undefined> | null);
    // Unloading the live trace deletes the followed file (it is the server's); else it is ours to delete.
    const discard = async () => (trace ? void (await this.traces.unload(trace.traceId).catch(() => false)) : rmSync(followed, { force: true }));
    if (result.outcome === 'cannot') {
      await discard();
      void vscode.window.showErrorMessage(`The target cannot record ${kind}: ${[...result.missing, ...result.errors].join('; ')}`);
      return undefined;
    }
    if (result.outcome === 'cancelled') {
      await discard();
      return undefined;
    }
    writeSidecar(`${output}.pinscope.json`, result, target);
    if (result.outcome === 'failed') void vscode.window.showWarningMessage(`The recording did not end normally (${result.errors.join('; ')}); what arrived is kept.`);
    else if (result.cleanup !== 'done') void vscode.window.showWarningMessage(`Cleanup on the target: ${result.cleanup ?? 'not confirmed'}`);
    const uri = vscode.Uri.file(output);
    if (!result.summary) {
      await discard();
      return undefined;
    }
    if (trace) {
      const finished = await this.traces.finish(trace.traceId, output).catch((error: Error) => {
        this.log.error(`the recording's live trace did not finish: ${error.message}`);
        return undefined;
      });
      if (finished) return uri;
    }
    // Not followed (the server was down), or its reading failed: the saved copy is read like any trace.
    await discard();
    await vscode.commands.executeCommand('pinscope.replayTraceFile', uri);
    return uri;
  }

  /** The editor closing: stop (the target drains and cleans up; if we are gone first, it sees its stdin close). */
  dispose(): void {
    this.active?.stop();
    this.item.dispose();
  }
}
