#!/usr/bin/env bash
# Every test layer, from a fresh clone: installs what it needs, builds, runs
# unit, server, webview, editor and guest (a real kernel under qemu) tests, and ends with "N passed, N failed".
# PINSCOPE_LAYERS=unit,server limits the run to some layers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
bash scripts/ensure-npm.sh
# The guest layer's kernel: qemu and the test guest, built once into ~/.cache/pinscope.
case ",${PINSCOPE_LAYERS:-guest}," in *,guest,*) bash scripts/ensure-guest.sh >/dev/null && bash scripts/ensure-host-bpftrace.sh ;; esac
exec node scripts/run-tests.mjs
