#!/usr/bin/env bash
# Every test layer, from a fresh clone: installs what it needs, builds, runs
# unit, server, webview and editor tests, and ends with "N passed, N failed".
# PINSCOPE_LAYERS=unit,server limits the run to some layers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-npm.sh
exec node scripts/run-tests.mjs
