// Commands that open a replay: the call-site lens and the palette example.
import * as vscode from 'vscode';
import { registerCommand } from '../lsp-requests';
import { EXAMPLE_E1 } from '../../engine/examples';
import type { VariantId } from '../../protocol/dto';
import {
  REPLAY_CALL_SITE_COMMAND,
  SHOW_EXAMPLE_REPLAY_COMMAND,
  SHOW_VARIANT_COMMAND,
  type ReplayCallSiteArgs,
  type ShowVariantArgs,
} from '../../protocol/lsp';

const MODELLED = ['v0', 'v1', 'v2', 'v3'];

/** The modelled variant closest to a fingerprint (v1u behaves as v1 plus an initialised ret). */
function modelledVariant(args: ShowVariantArgs): VariantId {
  if (MODELLED.includes(args.variant)) return args.variant as VariantId;
  if (args.variant === 'v1u') return 'v1';
  return (args.nearest && MODELLED.includes(args.nearest) ? args.nearest : 'v3') as VariantId;
}
import type { ReplayPanel } from './replay-panel';

export function registerReplayCommands(panel: ReplayPanel): vscode.Disposable[] {
  return [
    registerCommand(REPLAY_CALL_SITE_COMMAND, (args: ReplayCallSiteArgs) => {
      const where = args.caller ? `${args.caller}, line ${args.line + 1}` : `line ${args.line + 1}`;
      return panel.show(`example E1 at ${where}`, args.call);
    }),
    registerCommand(SHOW_EXAMPLE_REPLAY_COMMAND, () => panel.show('example E1', EXAMPLE_E1)),
    registerCommand(SHOW_VARIANT_COMMAND, (args: ShowVariantArgs) => {
      const variant = modelledVariant(args);
      return panel.show(`example E1 through this tree's ${args.variant}`, { ...EXAMPLE_E1, variant });
    }),
  ];
}
