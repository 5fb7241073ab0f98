// The replay panel beside the editor: one panel, reused; it asks the
// language server for the replay and hands it to the webview once the
// webview says it is ready.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { CallDto, ReplayResultDto } from '../../protocol/dto';
import { isSavedState, isWebviewToHost } from '../../protocol/guards';
import { ReplayCallRequest } from '../../protocol/lsp';
import { REPLAY_VIEW_TYPE } from '../../protocol/lsp';
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type RenderedMessage, type ShowReplayMessage } from '../../protocol/webview';
import { revealStep, stepAtLine, VARIANT_SCHEME } from './step-source';
import { sendRequest } from '../lsp-requests';
import { loadPinscopeWebview } from '../webview-host';
import { ReplayPager } from '../replay-pager';

export class ReplayPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private webviewReady = false;
  private pending: HostToWebview | undefined;
  /** The webview received `pending` (and so saved it). */
  private pendingDelivered = false;
  /** The call on screen, for Compare Variants and Export Replay; `partial` when restored without most of its rows. */
  private current: { title: string; result: ReplayResultDto; partial?: boolean } | undefined;
  private readonly pager = new ReplayPager();
  /** Settles when the host has caught up with a what-if the webview showed. */
  private following: Promise<void> = Promise.resolve();
  private readonly rendered = new vscode.EventEmitter<RenderedMessage>();
  /** Fires when the webview reports a replay on screen. */
  readonly onDidRender = this.rendered.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Settles when the webview next reports a replay on screen, or after `timeoutMs`. */
  nextRender(timeoutMs: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(finish, timeoutMs);
      const listening = this.rendered.event(finish);
      function finish() {
        clearTimeout(timer);
        listening.dispose();
        done();
      }
    });
  }

  /** Shows a replay the server already computed (a call from a trace). */
  async showResult(title: string, result: ReplayResultDto, observed?: ShowReplayMessage['observed']): Promise<void> {
    const panel = this.reveal();
    panel.title = `Pinscope: ${title}`;
    this.present(title, result, observed);
  }

  /** Makes `result` the replay on screen: posted to the webview (paged when big). */
  private present(title: string, result: ReplayResultDto, observed?: ShowReplayMessage['observed']): void {
    this.current = { title, result };
    this.post(this.pager.window({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title, result, ...(observed ? { observed } : {}) }));
  }

  /**
   * The webview computed a replay itself (a what-if): the same call through the
   * server (the same engine, so the same result) becomes the one on screen.
   */
  private async follow(title: string, call: CallDto): Promise<void> {
    const before = this.current;
    try {
      const reply = await sendRequest(this.client, ReplayCallRequest, { call });
      if (!reply.ok) this.log.warn(`the replay view's what-if was refused by the server: ${reply.error}`);
      // Unless another replay was shown meanwhile.
      else if (this.current === before) this.current = { title, result: reply.result };
    } catch (error) {
      this.log.warn(`the replay view's what-if could not be followed: ${(error as Error).message}`);
    }
  }

  /** The step of the replay on screen whose lines hold the active editor's cursor. */
  async stepAtCursor(): Promise<number | null> {
    const editor = vscode.window.activeTextEditor;
    if (!this.current || !editor) return null;
    return stepAtLine(this.client, this.current.result, editor.document.uri, editor.selection.active.line);
  }

  /** Follows the editor's cursor through the function: marks the step whose lines it is in. */
  followCursor(): vscode.Disposable {
    return vscode.window.onDidChangeTextEditorSelection(async (event) => {
      if (!this.current || !this.panel) return;
      // Only C sources and variant renderings can hold the function: skip every other editor cheaply.
      const document = event.textEditor.document;
      if (document.languageId !== 'c' && document.uri.scheme !== VARIANT_SCHEME) return;
      const line = event.selections[0]?.active.line;
      if (line === undefined) return;
      const index = await stepAtLine(this.client, this.current.result, event.textEditor.document.uri, line).catch(() => null);
      if (index !== null) this.post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'highlightStep', index });
    });
  }

  /** Shows the source lines of step `index` of the replay on screen. */
  revealStep(index: number): Promise<vscode.TextEditor | undefined> {
    return this.current ? revealStep(this.client, this.current.result, index) : Promise.resolve(undefined);
  }

  /** The replay on screen, if any (a restored big one may lack most of its bvecs: see shownWhole). */
  get shown(): { title: string; result: ReplayResultDto } | undefined {
    return this.current;
  }

  /** The replay on screen with every bvec: a restored big replay is asked of the server again. */
  async shownWhole(): Promise<{ title: string; result: ReplayResultDto } | undefined> {
    const shown = this.current;
    if (!shown?.partial) return shown;
    const reply = await sendRequest(this.client, ReplayCallRequest, { call: shown.result.call });
    if (!reply.ok) return undefined;
    if (this.current === shown) this.current = { title: shown.title, result: reply.result };
    return { title: shown.title, result: reply.result };
  }

  /** The call on screen (or E1) through v0 … v3, side by side. */
  async compare(call: CallDto, title: string): Promise<ReplayResultDto[]> {
    const results: ReplayResultDto[] = [];
    for (const variant of ['v0', 'v1', 'v2', 'v3'] as const) {
      const reply = await sendRequest(this.client, ReplayCallRequest, { call: { ...call, variant } });
      if (!reply.ok) {
        this.showMessage(reply.error);
        return [];
      }
      results.push(reply.result);
    }
    const panel = this.reveal();
    panel.title = `Pinscope: ${title}`;
    this.post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showComparison', title, results });
    return results;
  }

  /** The column for the code beside the panel: the first, unless the panel is there. */
  codeColumn(): vscode.ViewColumn {
    // The panel's own viewColumn is not set until it has been shown: ask the tab groups.
    const group = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(REPLAY_VIEW_TYPE)));
    const column = group?.viewColumn ?? this.panel?.viewColumn;
    return column === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  }

  /** The code was shown in `column`: when that is the panel's own, the panel moves beside it, so both are on screen. */
  keepBeside(column: vscode.ViewColumn): void {
    const group = vscode.window.tabGroups.all.find((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(REPLAY_VIEW_TYPE)));
    const panelColumn = this.panel?.viewColumn ?? group?.viewColumn;
    if (this.panel && panelColumn === column) this.panel.reveal(column + 1, true);
  }

  /** Shows a plain message instead of a replay. */
  showMessage(message: string): void {
    this.reveal();
    this.post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showError', message });
  }

  async show(title: string, call: CallDto): Promise<void> {
    const panel = this.reveal();
    panel.title = `Pinscope: ${title}`;
    const reply = await sendRequest(this.client, ReplayCallRequest, { call });
    if (reply.ok) {
      this.present(title, reply.result);
      return;
    }
    this.log.warn(`replay refused: ${reply.error}`);
    this.post({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showError', message: reply.error });
  }

  /**
   * Opens the panel ahead of its first replay (a trace was loaded): creating a
   * webview and loading its script takes seconds in a browser, so the call
   * chosen next is only posted into it.
   */
  prepare(): void {
    if (!this.panel) this.reveal();
  }

  private reveal(): vscode.WebviewPanel {
    if (this.panel) {
      // Only when hidden (then beside the code, not over it): revealing a panel on screen "beside" the
      // active editor moved it to another group on every call shown, a relayout before the replay painted.
      if (!this.panel.visible) this.panel.reveal(vscode.ViewColumn.Beside, true);
      return this.panel;
    }
    // adopt() sets the webview's options and content, the same for a restored panel.
    // Beside the code; with no editor open, "beside" would be the first column, where the code then opens over it.
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Two;
    const panel = vscode.window.createWebviewPanel(REPLAY_VIEW_TYPE, 'Pinscope', { viewColumn: column, preserveFocus: true });
    return this.adopt(panel);
  }

  /**
   * Takes over a panel: a new one, or one VS Code restores after a reload
   * with the webview's saved state (the webview re-renders from it).
   */
  adopt(panel: vscode.WebviewPanel, saved?: unknown): vscode.WebviewPanel {
    loadPinscopeWebview(panel.webview, this.extensionUri);
    // A restored panel's replay is the one on screen again: its steps still reveal their lines.
    if (isSavedState(saved) && saved.view.type === 'showReplay') {
      this.current = { title: saved.view.title, result: saved.view.result, partial: saved.view.paging !== undefined };
    }
    panel.webview.onDidReceiveMessage((message: unknown) => {
      if (!isWebviewToHost(message)) {
        this.log.warn(`ignored an unknown message from the replay view: ${JSON.stringify(message)}`);
        return;
      }
      if (message.type === 'selectStep') {
        // A step of a what-if just shown waits for the host to follow it.
        void this.following.then(() => this.revealStep(message.index));
        return;
      }
      if (message.type === 'showing') {
        this.following = this.follow(message.title, message.call);
        return;
      }
      if (message.type === 'requestBvecs') {
        // Answered at once, not kept as the message to replay on `ready`.
        void panel.webview.postMessage(this.pager.rows(message));
        return;
      }
      if (message.type === 'rendered') {
        this.log.info(`replay on screen: ret ${message.ret}, ${message.bvecs} bvec(s), ${message.pages} pinned page(s)`);
        this.rendered.fire(message);
        return;
      }
      if (message.type !== 'ready') return;
      this.webviewReady = true;
      // Shown again after being hidden, it restored what it last had (a what-if, the step on the
      // cursor): sending the last replay again would throw that away.
      if (this.pending && !(message.restored && this.pendingDelivered)) this.post(this.pending);
    });
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.webviewReady = false;
      this.pending = undefined;
      this.pendingDelivered = false;
    });
    this.panel = panel;
    return panel;
  }

  private post(message: HostToWebview): void {
    // Keep the latest message so a webview that (re)loads gets it on `ready`, unless it already has it.
    this.pending = message;
    this.pendingDelivered = false;
    if (!this.panel || !this.webviewReady) return;
    // A hidden webview drops messages (postMessage answers false).
    void this.panel.webview.postMessage(message).then((delivered) => {
      if (this.pending === message) this.pendingDelivered = delivered;
    });
  }

  dispose(): void {
    this.rendered.dispose();
    this.panel?.dispose();
  }
}
