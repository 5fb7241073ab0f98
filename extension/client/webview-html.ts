// The replay webview's HTML shell: a strict Content-Security-Policy, one
// nonce'd script, theme-aware styles. Pure so the webview tests load the
// exact page the editor shows.

export interface WebviewShell {
  /** webview.cspSource: the origin VS Code serves local resources from. */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function replayHtml(shell: WebviewShell): string {
  const csp = [
    "default-src 'none'",
    `style-src ${shell.cspSource}`,
    `img-src ${shell.cspSource}`,
    `font-src ${shell.cspSource}`,
    `script-src 'nonce-${shell.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(shell.styleUri)}">
<title>Pinscope replay</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="placeholder">Choose a call — in the Traces view, a code lens or a trace’s overview — to see its replay here.</p></main>
<script nonce="${attr(shell.nonce)}" src="${attr(shell.scriptUri)}"></script>
</body>
</html>`;
}
