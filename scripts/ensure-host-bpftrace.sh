#!/usr/bin/env bash
# The guest layer's bpftrace: the test guest has none of its own, so a test runs
# this machine's (Debian's package) there from a read-only share of / (see
# test/support/guest.ts). Installs it when missing and this runs as root.
set -euo pipefail
[ -x /usr/bin/bpftrace ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "pinscope: bpftrace is missing (apt-get install bpftrace); the guest's bpftrace tests will be skipped" >&2
  exit 0
fi
echo "pinscope: installing bpftrace (for the guest layer's bpftrace tests)" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bpftrace >/dev/null
