// Loads the Pinscope webview bundle into a webview: options limited to
// dist/, and the HTML shell with a fresh nonce. The replay panel and the
// trace editor both show it.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { replayHtml } from './webview-html';

export function loadPinscopeWebview(webview: vscode.Webview, extensionUri: vscode.Uri): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  webview.options = { enableScripts: true, localResourceRoots: [dist] };
  webview.html = replayHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(16).toString('base64'),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
  });
}
