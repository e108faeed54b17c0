#!/usr/bin/env bash
# The Debian packages on a really clean Debian 12 (issue 16: "the .deb installs and runs on a clean Debian 12"):
# CPack builds trustctl_<version>_<arch>.deb and trustctl-sim_..., a fresh minbase bookworm (debootstrap) receives
# them, and clean_install_inside.sh, run in that tree under chroot, installs them with apt (which must find every
# runtime dependency through the packages' Depends), runs them, reads the man page, completes with bash and removes
# them again.
#
# Usage: clean_install_test.sh BUILD_DIR   (a tree built with the default targets; as root: debootstrap, chroot, mount)
#   TRUSTCTL_CACHE                  where the debootstrapped tree and the downloaded dependencies are kept between
#                                   runs (default /var/cache/trustctl-test); delete it to start from the mirror again
#   TRUSTCTL_DEBIAN_MIRROR          Debian mirror (default: the one this machine's apt uses for bookworm)
#   TRUSTCTL_DEBIAN_SECURITY_MIRROR Debian security mirror (default: this machine's for bookworm-security)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fail() { echo "clean install test: $*" >&2; exit 1; }
[[ $# -eq 1 ]] || fail "usage: $0 BUILD_DIR"
build="$(cd "$1" && pwd)"

# Never skipped: a machine that cannot run it fails, saying what is missing.
[[ $(id -u) -eq 0 ]] ||
  fail "needs root (debootstrap, chroot, mount /proc): run it as root (sudo ctest --test-dir $build -L clean_install)"
command -v debootstrap >/dev/null ||
  fail "debootstrap is missing: run scripts/setup.sh as root (or apt-get install debootstrap)"
for f in "$build/trustctl" "$build/tests/vossim/vos-sim" "$build/generated/trustctl.1.gz" "$build/CPackConfig.cmake"; do
  [[ -f $f ]] || fail "$f is missing: build the default targets first (cmake --build $build)"
done

suite=bookworm
cache="${TRUSTCTL_CACHE:-/var/cache/trustctl-test}"
tarball="$cache/$suite-minbase.tar"
archives="$cache/$suite-archives"  # the .debs apt downloaded in earlier runs, so a second run downloads nothing
mkdir -p "$cache" "$archives"

# The mirror this machine's own apt reaches (a mirror that works here), unless one is named.
# shellcheck disable=SC2016  # $(CODENAME) and $(REPO_URI) are apt's fields, not the shell's
host_repository() {
  apt-get indextargets --format '$(CODENAME) $(REPO_URI)' 2>/dev/null | awk -v c="$1" '$1 == c { print $2; exit }'
}
mirror="${TRUSTCTL_DEBIAN_MIRROR:-$(host_repository "$suite")}"
mirror="${mirror:-http://deb.debian.org/debian/}"
security="${TRUSTCTL_DEBIAN_SECURITY_MIRROR:-$(host_repository "$suite-security")}"
security="${security:-http://deb.debian.org/debian-security/}"

# Tears down a tree made here: ends the processes still running inside it (a vos-sim left by a killed run), unmounts
# what is mounted under it, and deletes it only once nothing is mounted there (rm never follows a mount into /proc).
teardown() {
  local dir="$1" root="$1/root" pid mounts
  [[ -d $dir ]] || return 0
  if [[ -d $root ]]; then
    root="$(cd "$root" && pwd -P)"
    for pid in /proc/[0-9]*; do
      [[ $(readlink "$pid/root" 2>/dev/null) == "$root" ]] && { kill -KILL "${pid#/proc/}" 2>/dev/null || true; }
    done
    mounts=$(awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r)
    for m in $mounts; do
      umount "$m" 2>/dev/null || umount -l "$m" || true
    done
    if awk -v r="$root/" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
      echo "clean install test: still mounted under $root; left in place, unmount it by hand" >&2
      return 1
    fi
  fi
  rm -rf --one-file-system "$dir"
}

# One run at a time per build tree; whatever a killed run left behind is cleared first.
base="$build/clean-install"
mkdir -p "$base"
exec 9>"$base/lock"
flock 9
for old in "$base"/run.* "$base"/stage.*; do
  [[ -e $old ]] && teardown "$old"
done

run="$(mktemp -d "$base/run.XXXXXX")"
root="$run/root"
cleanup() {
  local status=$?
  teardown "$run" || status=1
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# The minbase tree, debootstrapped once per cache and kept as a tarball; each run unpacks a fresh copy of it.
# Several build trees may share the cache: the first one builds it, the others wait for it.
exec 8>"$cache/lock"
flock 8
if [[ ! -s $tarball ]]; then
  stage="$base/stage.$$"
  echo "clean install test: debootstrap --variant=minbase $suite from $mirror (once; kept in $tarball)"
  if ! timeout 900 debootstrap --variant=minbase "$suite" "$stage/root" "$mirror" >"$run/debootstrap.log" 2>&1; then
    tail -n 30 "$run/debootstrap.log" >&2
    teardown "$stage" || true
    fail "debootstrap of $suite from $mirror failed (its log above); TRUSTCTL_DEBIAN_MIRROR names another mirror"
  fi
  # The base system's own .debs are not kept (about 30 MB): those apt downloads for the packages are, below.
  rm -f "$stage"/root/var/cache/apt/archives/*.deb
  tar -C "$stage/root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  teardown "$stage"
fi
flock -u 8

mkdir "$root"
tar -C "$root" -xf "$tarball"

# The packages, built the way package_test.sh builds them, in this run's own directory.
(cd "$run" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$run/cpack" >"$run/cpack.log" 2>&1) ||
  { cat "$run/cpack.log" >&2; fail "cpack failed"; }
debs=("$run"/cpack/trustctl_*_*.deb "$run"/cpack/trustctl-sim_*_*.deb)
for deb in "${debs[@]}"; do
  [[ -f $deb ]] || fail "cpack made no $(basename "$deb") (it made: $(ls "$run/cpack"))"
done

# What a freshly installed Debian 12 has: the release, its updates and its security updates, reached by name.
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir "$root/root/debs"
cp "${debs[@]}" "$root/root/debs/"
cp "$here/clean_install_inside.sh" "$root/root/"
flock 8
find "$archives" -name '*.deb' -exec cp -t "$root/var/cache/apt/archives/" {} +
flock -u 8

mount -t proc proc "$root/proc"
status=0
env -i "$(command -v chroot)" "$root" /bin/bash /root/clean_install_inside.sh || status=$?

# Keep what apt downloaded for the next run. After a passing run (fresh package lists), versions the mirror no longer
# has (apt-get autoclean) leave the cache too, so it does not grow with every point release.
flock 8
if ((status == 0)); then
  env -i "$(command -v chroot)" "$root" /usr/bin/apt-get -q autoclean >/dev/null 2>&1 || true
  for deb in "$archives"/*.deb; do
    [[ -f $deb && ! -f $root/var/cache/apt/archives/$(basename "$deb") ]] && rm -f "$deb"
  done
fi
find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -u -t "$archives/" {} +
flock -u 8

((status == 0)) || fail "on a clean Debian 12 (debootstrap $suite minbase), see above"
echo "clean install test: $(basename "${debs[0]}") and $(basename "${debs[1]}") install, run and remove cleanly" \
  "on a clean Debian 12"
