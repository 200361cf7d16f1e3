#!/usr/bin/env bash
# The main example end to end (setup, build, start dynalite, run it), then the dynasio tool: a
# sample file loaded with a progress bar, dumped back and compared. Stops dynalite at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -j "${DYNASIO_JOBS:-$(nproc)}" --target example_3_sink_orders dynasio_tool
source scripts/dynalite.sh
start_dynalite
build/dev/examples/example_3_sink_orders

# 50 000 orders as JSON lines, gzip-compressed, written the way `dynasio dump` writes items
# (sorted attribute names, compact), so the dump can be compared byte for byte once sorted.
work=$(mktemp -d)
trap 'rm -rf "$work"; stop_dynalite' EXIT
python3 - "$work/orders.jsonl.gz" <<'PY'
import gzip, json, sys
with gzip.open(sys.argv[1], "wt", encoding="utf-8") as f:
    for i in range(50_000):
        order = {"id": f"order-{i:05d}", "customer": f"customer-{i % 977}", "qty": i % 13 + 1,
                 "price": (i % 1000) + 0.25, "paid": i % 3 != 0, "note": None if i % 5 else "gift",
                 "tags": {"$ss": sorted({"new", f"zone-{i % 4}"})},
                 "lines": [{"sku": f"sku-{i % 101}", "n": 1}], "blob": {"$binary": "3q2+7w=="}}
        f.write(json.dumps(order, sort_keys=True, separators=(",", ":")) + "\n")
PY
tool=build/dev/tools/dynasio
echo
echo "demo: dynasio load --table demo-orders --create id:S orders.jsonl.gz"
"$tool" load --table demo-orders --create id:S "$work/orders.jsonl.gz"
echo "demo: dynasio dump --table demo-orders --segments 4 > dumped.jsonl"
"$tool" dump --table demo-orders --segments 4 --out "$work/dumped.jsonl"
if cmp -s <(gzip -dc "$work/orders.jsonl.gz" | sort) <(sort "$work/dumped.jsonl"); then
  echo "demo: the dump is identical to the file loaded ($(wc -l <"$work/dumped.jsonl") items)"
else
  echo "demo: the dump differs from the file loaded" >&2
  exit 1
fi
