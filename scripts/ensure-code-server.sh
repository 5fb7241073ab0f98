#!/usr/bin/env bash
# Installs the VS Code server (inside code-server@4.100.3, VS Code 1.100.3) into a
# cache folder outside the repository, for the in-editor tests and the demo.
# Recipe and the reasons for each work-around: the team's editor-test-host notes (VS Code server from code-server, offline).
# Prints the install folder on stdout.
set -euo pipefail

version=4.100.3
cache="${PINSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pinscope}"
dir="$cache/code-server-$version"
server="$dir/node_modules/code-server/lib/vscode/out/server-main.js"

if [ -f "$server" ] && [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi

bash "$(dirname "$0")/ensure-system.sh" >&2
rm -rf "$dir"
mkdir -p "$dir"
echo "pinscope: installing code-server@$version into $dir (about 2 minutes, once)" >&2

# @vscode/ripgrep's postinstall takes a cached tarball instead of downloading.
tmp="${TMPDIR:-/tmp}"
rgcache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rgcache"
rgtar="$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$rgtar" ]; then
  stage="$(mktemp -d)"
  cp "$(command -v rg)" "$stage/rg"
  tar czf "$rgtar" -C "$stage" rg
  rm -rf "$stage"
fi

(
  cd "$dir"
  echo '{"name":"pinscope-code-server-host","private":true}' > package.json
  npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm --foreground-scripts \
    "code-server@$version" > install.log 2>&1 || { tail -40 install.log >&2; exit 1; }
)
[ -f "$server" ] || { echo "pinscope: code-server installed but $server is missing" >&2; exit 1; }
touch "$dir/.complete"
echo "$dir"
