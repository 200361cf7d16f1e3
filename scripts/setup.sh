#!/usr/bin/env bash
# Installs what dynasio's build, tests and demo need, and only what is missing. Idempotent:
# on a ready machine it checks and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang builds the sanitizer preset and the fuzzers (its ASan/UBSan runtimes are a separate
# package on Debian 12); clang-format is for scripts/format.sh; Java 17 runs DynamoDB Local.
packages=(libboost1.81-dev libboost-json1.81-dev libssl-dev zlib1g-dev doctest-dev cmake ninja-build g++ clang
  libclang-rt-14-dev clang-format pkg-config python3 openjdk-17-jre-headless)
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci only when the lock file changed since the last install.
stamp=node_modules/.dynasio-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
