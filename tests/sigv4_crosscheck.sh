#!/usr/bin/env bash
# Cross-checks the dynasio-sigv4 tool (path in $1) against @smithy/signature-v4 from the
# project's node_modules; see sigv4_crosscheck.js. Extra arguments (--count N, --seed S) pass on.
set -euo pipefail
if [[ $# -lt 1 || ! -x $1 ]]; then
  echo "usage: $0 PATH/TO/dynasio-sigv4 [--count N] [--seed S]" >&2
  exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v node >/dev/null || { echo "sigv4_crosscheck: node is not installed" >&2; exit 2; }
tool=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
cd "$here/.."
exec node "$here/sigv4_crosscheck.js" "$tool" "$@"
