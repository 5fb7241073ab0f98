#!/usr/bin/env bash
# The main job: installs what it needs, builds, and runs Pinscope on the
# bundled sample kernel workspace (see scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-npm.sh
node esbuild.mjs
exec node --import tsx scripts/demo.ts
