#!/bin/sh
# Compiler launcher of the standalone-header checks: a header compiles on its own when the
# compiler front end accepts it, so check it with -fsyntax-only (no code generation, a third of
# the time in header-only mode) and leave the empty object file the build expects.
out=
prev=
for arg in "$@"; do
  [ "$prev" = "-o" ] && out=$arg
  prev=$arg
done
"$@" -fsyntax-only || exit
[ -n "$out" ] && : >"$out"
