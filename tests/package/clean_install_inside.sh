#!/bin/bash
# What a user does with the packages on a clean Debian 12, run as root inside the minbase tree that
# clean_install_test.sh prepared (the packages in /root/debs): apt installs them with nothing but their Depends, the
# installed tools run (down to a plan and an apply of the installed example against the installed vos-sim on
# 127.0.153.x), the man page documents every subcommand, bash completion completes, and removing the packages
# leaves none of their files behind.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
export DEBIAN_FRONTEND=noninteractive
fail() { echo "clean install: $*" >&2; exit 1; }
apt_get() { timeout 300 apt-get -q -y -o Acquire::Retries=3 -o Dpkg::Use-Pty=0 "$@"; }

cd /root/debs
[[ ! -e /usr/bin/trustctl && ! -e /usr/bin/vos-sim ]] || fail "the tree is not clean: trustctl is already there"
apt_get update >/tmp/apt-update.log 2>&1 || { cat /tmp/apt-update.log >&2; fail "apt-get update failed"; }

# Only what Depends names: without recommends, so a library missing from Depends cannot slip in through them.
dpkg-query -W -f '${Package}\n' | sort >/tmp/before
apt_get install --no-install-recommends ./trustctl_*.deb ./trustctl-sim_*.deb >/tmp/apt-install.log 2>&1 ||
  { cat /tmp/apt-install.log >&2; fail "apt-get install of the packages failed"; }
dpkg-query -W -f '${Package}\n' | sort >/tmp/after
added=$(comm -13 /tmp/before /tmp/after | grep -vx 'trustctl\|trustctl-sim' || true)
echo "clean install: apt installed $(wc -w <<<"$added") dependencies: $(tr '\n' ' ' <<<"$added")"
for p in trustctl trustctl-sim; do
  [[ $(dpkg-query -W -f '${db:Status-Status}' "$p") == installed ]] || fail "$p is not installed"
done
# What it recommends can be installed here, so apt's default install (with recommends) honours it. A simulated
# install, since apt-cache show also accepts a name that only a dependency mentions.
for p in $(dpkg-query -W -f '${Recommends}' trustctl | tr -d ','); do
  apt-get -s install "$p" >/dev/null 2>&1 || fail "trustctl recommends $p, which Debian 12 cannot install"
done

# The installed tools run: every shared library they link is there.
trustctl --version 2>/dev/null | grep -q '^trustctl [0-9]' || fail "trustctl --version: $(trustctl --version 2>&1)"
trustctl --help 2>/dev/null | grep -q '^Usage: trustctl' || fail "trustctl --help: $(trustctl --help 2>&1 | head -5)"
vos-sim --help 2>/dev/null | grep -q '^Usage: vos-sim' || fail "vos-sim --help: $(vos-sim --help 2>&1 | head -5)"
commands=$({ trustctl 2>&1 || true; } | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1}')
[[ $(wc -w <<<"$commands") -ge 15 ]] || fail "trustctl lists too few commands: $commands"

# And they do their job: the installed example, moved to this test's loopback subnet, is planned, applied and
# planned again (nothing left to do) against the installed vos-sim, over SSH and HTTPS with the system's libraries.
lab=/tmp/lab
mkdir "$lab"
cp -r /usr/share/trustctl/schemas /usr/share/trustctl/examples "$lab/"
sed -i 's/127\.0\.1\./127.0.153./g' "$lab/examples/uccx-lab.toml"
LAB_OS_ADMIN_PASSWORD="lab-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export LAB_OS_ADMIN_PASSWORD
vos-sim "$lab/examples/uccx-lab.toml" --replication-delay-ms 200 --restart-ms 100 >"$lab/sim.out" 2>"$lab/sim.err" &
sim=$!
trap 'kill -TERM "$sim" 2>/dev/null; wait "$sim" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q "nodes listening" "$lab/sim.out" && break
  kill -0 "$sim" 2>/dev/null || { cat "$lab/sim.err" >&2; fail "the installed vos-sim stopped"; }
  sleep 0.1
done
grep -q "nodes listening" "$lab/sim.out" || fail "the installed vos-sim did not listen within 30 s"
trustctl validate "$lab/examples/uccx-lab.toml" >/dev/null || fail "the installed example does not validate"
trustctl plan "$lab/examples/uccx-lab.toml" >"$lab/plan.out" 2>&1 || { cat "$lab/plan.out" >&2; fail "trustctl plan"; }
trustctl apply "$lab/examples/uccx-lab.toml" --auto-approve >"$lab/apply.out" 2>&1 ||
  { cat "$lab/apply.out" >&2; fail "trustctl apply"; }
trustctl plan "$lab/examples/uccx-lab.toml" --detailed-exitcode >"$lab/replan.out" 2>&1 ||
  { cat "$lab/replan.out" >&2; fail "trustctl plan after apply still has changes (or failed)"; }
kill -TERM "$sim"
wait "$sim" || true
trap - EXIT
echo "clean install: the installed trustctl planned and applied the installed example against the installed vos-sim"

# man-db is not in a minimal system: installed now (after the packages, so it cannot have supplied a dependency).
apt_get install --no-install-recommends man-db >/tmp/apt-man.log 2>&1 ||
  { cat /tmp/apt-man.log >&2; fail "apt-get install man-db failed"; }
manual=$(MANWIDTH=120 man -P cat trustctl 2>/tmp/man.err) || { cat /tmp/man.err >&2; fail "man trustctl failed"; }
[[ -s /tmp/man.err ]] && { cat /tmp/man.err >&2; fail "man trustctl reported problems"; }
for c in $commands; do
  grep -qE "^   $c( |$)" <<<"$manual" || fail "man trustctl has no section for $c"
done

# bash completion from the installed file, as bash-completion would load it, asked what a user's Tab would ask.
complete_words() {
  bash -c 'source /usr/share/bash-completion/completions/trustctl; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
           _trustctl; echo "${COMPREPLY[*]}"' _ "$@"
}
[[ $(complete_words trustctl pl) == "plan" ]] || fail "trustctl pl<Tab> gave: $(complete_words trustctl pl)"
[[ $(complete_words trustctl plan --de) == "--detailed-exitcode" ]] ||
  fail "trustctl plan --de<Tab> gave: $(complete_words trustctl plan --de)"
[[ $(complete_words trustctl graph --type "") == "plan trust" ]] ||
  fail "trustctl graph --type <Tab> gave: $(complete_words trustctl graph --type "")"

# Removing the packages takes every file they brought, and every directory only they used.
dpkg -L trustctl trustctl-sim | sort -u >/tmp/owned
[[ -s /tmp/owned ]] || fail "dpkg -L lists no files"
files=$(while read -r f; do [[ -d $f ]] || echo "$f"; done </tmp/owned)
grep -qx /usr/bin/trustctl <<<"$files" || fail "dpkg -L trustctl does not list /usr/bin/trustctl"
apt_get remove trustctl trustctl-sim >/tmp/apt-remove.log 2>&1 ||
  { cat /tmp/apt-remove.log >&2; fail "apt-get remove failed"; }
left=()
while read -r path; do
  [[ -e $path || -L $path ]] || continue
  [[ $path == /. ]] && continue  # listed when a package's data starts at ./ (not CPack's); dpkg -S never matches it
  [[ -d $path ]] && dpkg -S "$path" >/dev/null 2>&1 && continue  # a directory another package still uses
  left+=("$path")
done </tmp/owned
((${#left[@]} == 0)) || fail "apt-get remove left the packages' files behind: ${left[*]}"
for p in trustctl trustctl-sim; do
  status=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ -z $status || $status == not-installed ]] || fail "after remove, $p is '$status' (conffiles left behind?)"
done
echo "clean install: $(wc -l <<<"$files") files installed and removed again; man page and completion work"
