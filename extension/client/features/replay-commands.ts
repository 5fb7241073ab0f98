// Commands that open a replay: the call-site lens and the palette example.
import * as vscode from 'vscode';
import { EXAMPLE_E1 } from '../../engine/examples';
import { REPLAY_CALL_SITE_COMMAND, SHOW_EXAMPLE_REPLAY_COMMAND, type ReplayCallSiteArgs } from '../../protocol/lsp';
import type { ReplayPanel } from './replay-panel';

export function registerReplayCommands(panel: ReplayPanel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(REPLAY_CALL_SITE_COMMAND, (args: ReplayCallSiteArgs) => {
      const where = args.caller ? `${args.caller}, line ${args.line + 1}` : `line ${args.line + 1}`;
      return panel.show(`example E1 at ${where}`, args.call);
    }),
    vscode.commands.registerCommand(SHOW_EXAMPLE_REPLAY_COMMAND, () => panel.show('example E1', EXAMPLE_E1)),
  ];
}
