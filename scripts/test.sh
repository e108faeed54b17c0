#!/usr/bin/env bash
# Sets everything up (packages, build) and runs every test through ctest: unit, vos-sim, end-to-end.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"
cd "$here"
# Two cores: run two test processes at once; end-to-end tests use distinct loopback addresses, so they can overlap.
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 600
