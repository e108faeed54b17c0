#!/usr/bin/env bash
# The main job, end to end: build, start a simulated UCCX lab (vos-sim) from examples/uccx-lab.toml in a temporary
# directory, plan, apply, plan again (no changes), then stop the lab.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/setup.sh"

work="$(mktemp -d /tmp/trustctl-demo.XXXXXX)"
cp "$here/examples/uccx-lab.toml" "$work/site.toml"
cp -r "$here/examples/pki" "$work/pki"
export LAB_OS_ADMIN_PASSWORD="demo-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"

trustctl="$here/build/trustctl"
vossim="$here/build/tests/vossim/vos-sim"

sim_pid=""
cleanup() {
  if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
    kill -TERM "$sim_pid"
    wait "$sim_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Starting vos-sim: a simulated UCCX pair and SocialMiner on 127.0.1.1-3 (state in $work)"
"$vossim" "$work/site.toml" --replication-delay-ms 1500 --restart-ms 1000 >"$work/vos-sim.out" \
  2>"$work/vos-sim.err" &
sim_pid=$!
for _ in $(seq 1 100); do
  grep -q "nodes listening" "$work/vos-sim.out" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/vos-sim.err" >&2; exit 1; }
  sleep 0.1
done
cat "$work/vos-sim.out"

step "trustctl validate"
"$trustctl" validate "$work/site.toml"

step "trustctl plan: read every node, show what would change and why"
"$trustctl" plan "$work/site.toml"

step "trustctl apply --auto-approve: uploads on the publisher, replication waits, rolling restarts last"
"$trustctl" apply "$work/site.toml" --auto-approve

step "trustctl plan again: the lab is in the described state"
"$trustctl" plan "$work/site.toml" --detailed-exitcode

step "Done. The journal of what was done:"
cat "$work/.trustctl/journal.jsonl" | head -n 5
echo "... ($(wc -l <"$work/.trustctl/journal.jsonl") records)"
