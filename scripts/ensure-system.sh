#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, when missing.
# Chromium drives the webview and the VS Code web workbench; libkrb5-dev and
# pkg-config let code-server's native modules build; ripgrep replaces the
# binary that @vscode/ripgrep would otherwise download; trace-cmd is the
# fallback reader for trace.dat files the native reader does not support (a
# unit test runs it for real).
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v trace-cmd >/dev/null 2>&1 || missing+=(trace-cmd)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "pinscope: missing Debian packages: ${missing[*]} (run as root or install them: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "pinscope: installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
