#!/usr/bin/env bash
# The Debian packages as a user gets them: CPack builds trustctl_<version>_<arch>.deb and trustctl-sim_..., each is
# extracted (dpkg-deb -x, nothing is installed on this machine), the packaged binaries run, the man page renders and
# documents every subcommand, and the bash completion loads and completes subcommands, options and option values.
# Usage: package_test.sh BUILD_DIR (a tree built with the default targets).
set -euo pipefail

build="$(cd "$1" && pwd)"
work="$(mktemp -d /tmp/trustctl-package-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT
fail() { echo "package test: $*" >&2; exit 1; }

for f in "$build/trustctl" "$build/generated/trustctl.1.gz" "$build/generated/trustctl.bash"; do
  [[ -f $f ]] || fail "$f is missing: build the default targets first (cmake --build $build)"
done

# -B: CPack's scratch and output in this test's own directory, so parallel runs never share one.
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$work"/out/trustctl_*_*.deb 2>/dev/null | head -1)
sim_deb=$(ls "$work"/out/trustctl-sim_*_*.deb 2>/dev/null | head -1)
[[ -n $deb ]] || fail "no trustctl_<version>_<arch>.deb in $(ls "$work/out")"
[[ -n $sim_deb ]] || fail "no trustctl-sim_<version>_<arch>.deb in $(ls "$work/out")"

# Depends comes from the libraries the binary links.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libssh libcurl libssl3 libstdc++6 libc6; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
[[ $(dpkg-deb -f "$deb" Package) == trustctl ]] || fail "package name"
[[ $(dpkg-deb -f "$sim_deb" Package) == trustctl-sim ]] || fail "sim package name"

root="$work/root"
dpkg-deb -x "$deb" "$root"
dpkg-deb -x "$sim_deb" "$root"
for f in usr/bin/trustctl usr/bin/vos-sim usr/share/man/man1/trustctl.1.gz \
         usr/share/bash-completion/completions/trustctl usr/share/zsh/vendor-completions/_trustctl \
         usr/share/trustctl/schemas/site.schema.json usr/share/trustctl/examples/uccx-lab.toml; do
  [[ -f $root/$f ]] || fail "the packages lack /$f"
done
dpkg-deb -c "$deb" | grep -q "usr/bin/vos-sim" && fail "vos-sim belongs in trustctl-sim only"

# The packaged binaries run; an installed example validates against its installed files.
"$root/usr/bin/trustctl" --version | grep -q "^trustctl " || fail "trustctl --version"
"$root/usr/bin/vos-sim" --help >/dev/null || fail "vos-sim --help"
"$root/usr/bin/trustctl" validate "$root/usr/share/trustctl/examples/uccx-lab.toml" >/dev/null ||
  fail "the installed example does not validate"
head -1 "$root/usr/share/trustctl/examples/uccx-lab.toml" | grep -q '^#:schema ../schemas/site.schema.json' ||
  fail "the installed example does not point at the installed schema"

# The man page renders and has a section for every subcommand the binary lists.
manual=$(MANWIDTH=120 man -l "$root/usr/share/man/man1/trustctl.1.gz" 2>"$work/man.err") || fail "man -l failed"
[[ -s $work/man.err ]] && { cat "$work/man.err" >&2; fail "man reported problems"; }
commands=$({ "$root/usr/bin/trustctl" 2>&1 || true; } | awk '/^Commands:/ {on=1; next} on && /^  [a-z]/ {print $1}')
[[ $(wc -w <<<"$commands") -ge 15 ]] || fail "the binary lists too few commands: $commands"
for c in $commands; do
  grep -qE "^   $c( |$)" <<<"$manual" || fail "the man page has no section for $c"
done

# bash completion: loaded as bash-completion would, then asked what a user's Tab would ask.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _trustctl; echo "${COMPREPLY[*]}"' \
    _ "$root/usr/share/bash-completion/completions/trustctl" "$@"
}
[[ $(complete_words trustctl pl) == "plan" ]] || fail "trustctl pl<Tab>: $(complete_words trustctl pl)"
[[ $(complete_words trustctl re) == "report" ]] || fail "trustctl re<Tab>: $(complete_words trustctl re)"
[[ $(complete_words trustctl plan --detailed) == "--detailed-exitcode" ]] || fail "plan --detailed<Tab>"
[[ $(complete_words trustctl graph --type "") == "plan trust" ]] || fail "graph --type <Tab>: $(complete_words trustctl graph --type "")"
[[ $(complete_words trustctl ca "") == "init" ]] || fail "ca <Tab>: $(complete_words trustctl ca "")"
zsh -n "$root/usr/share/zsh/vendor-completions/_trustctl" || fail "the zsh completion does not parse"

# cmake --install puts the same files under a prefix.
cmake --install "$build" --prefix "$work/prefix" --component trustctl >/dev/null
[[ -x $work/prefix/bin/trustctl && -f $work/prefix/share/man/man1/trustctl.1.gz ]] || fail "cmake --install"

echo "package test: $(basename "$deb") and $(basename "$sim_deb") build, extract, run; man and completion work"
