#!/usr/bin/env bash
# Installs every Debian package trustctl needs, then configures and builds into build/.
# Safe to re-run: packages already present are not fetched again, and the build is incremental.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

packages=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libssh-dev libcurl4-openssl-dev
  libtomlplusplus-dev libboost-graph-dev libexpected-dev
  libcli11-dev nlohmann-json3-dev libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  openssl openssh-client sshpass curl
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer and clang's sanitizer runtimes
  chromium                  # tests/e2e/html_report_test.cpp renders `trustctl report` in headless Chromium
  graphviz                  # `trustctl graph --format svg`, and the tests that render graphs with dot
  dpkg-dev file             # CPack DEB: dpkg-shlibdeps computes the packages' Depends
  man-db groff-base         # tests/package: the packaged man page is rendered
  zsh                       # tests/package: the packaged zsh completion must parse (zsh -n)
  debootstrap               # tests/package/clean_install_test.sh: the packages installed on a clean Debian 12
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup: run this script as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_type="${TRUSTCTL_BUILD_TYPE:-RelWithDebInfo}"
sanitize="${TRUSTCTL_SANITIZE:-OFF}"
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="$build_type" -DTRUSTCTL_SANITIZE="$sanitize"
fi
cmake --build build -j "$(nproc)"
