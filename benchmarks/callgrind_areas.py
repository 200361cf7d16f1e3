#!/usr/bin/env python3
"""Instructions per item by area of the code, from a callgrind profile of a benchmark.

usage:
  valgrind --tool=callgrind --callgrind-out-file=cg.out build/release/benchmarks/bench_batch_writer URL 20000 8
  callgrind_annotate cg.out | benchmarks/callgrind_areas.py 20000

Reads callgrind_annotate's exclusive (self) counts and sums them into the areas below, by the
first pattern that matches the function's name (its library in brackets counts for the crypto,
TLS, JSON and loader areas), then divides by ITEMS. valgrind has no SHA-NI, so its SHA-256 is
the software one: several times what the hardware path costs.
"""

import re
import sys

# (area, pattern): the first match wins, so the specific patterns come first.
AREAS = [
    ("sha256/hmac (libcrypto)", r"\blibcrypto\b|sha256|hmac"),
    ("validation", r"validate|check_item|item_checker|value_size|parse_decimal"),
    ("HTTP reply reading (Beast, before)", r"beast::|http_reply|http_syntax|read_reply|deadline_watch"),
    ("json reply", r"boost::json|json_reader|libboost_json|parse_wire|unprocessed"),
    ("asio scheduler, timers, frames", r"boost::asio"),
    ("sigv4 text", r"sigv4"),
    ("batch_fsm and its keys", r"batch_fsm|batch_entry|busy_keys|_List_node|key_hash|_Hash_bytes"),
    ("writer put path", r"batch_writer_impl|submit_|put_described|put_item|make_wire|wire_source|make_entry|try_admit|admit"),
    ("json writing", r"wire_writer|write_wire|write_json|write_item|described"),
    ("client call path", r"client_impl|call_fsm|http_conn|connection|crc|reply_view|call_|request_head|lease"),
    ("items and values (std::map, variant)", r"_Rb_tree|std::map|attribute_value|variant|number::"),
    ("malloc and free", r"malloc|operator new|operator delete|cfree|\bfree$|_int_"),
    ("memcpy, memset, memcmp, strlen", r"memmove|memcpy|memset|memcmp|strlen"),
    ("std::string", r"basic_string|to_string"),
    ("the benchmark's rows", r"write_all|bench::|bench_rows"),
    ("loader (startup)", r"\bld-linux\b|dl-|_dl_"),
    ("tls context (startup)", r"\blibssl\b"),
]

LINE = re.compile(r"\s*([\d,]+)\s+\([^)]*\)\s+(.*)")
LIBRARY = re.compile(r"\s*\[([^\]]*)\]\s*$")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    items = int(sys.argv[1])
    totals = {name: 0 for name, _ in AREAS}
    totals["other"] = 0
    in_table = False
    for line in sys.stdin:
        if "file:function" in line:
            in_table = True
            continue
        m = LINE.match(line) if in_table else None
        if not m:
            continue
        count = int(m.group(1).replace(",", ""))
        text = m.group(2)
        lib = LIBRARY.search(text)
        function = LIBRARY.sub("", text)
        libname = lib.group(1) if lib else ""
        tags = " ".join(t for t in ("libcrypto", "libssl", "ld-linux", "libboost_json") if t in libname)
        key = f"{function} {tags}"
        for name, pattern in AREAS:
            if re.search(pattern, key):
                totals[name] += count
                break
        else:
            totals["other"] += count
    width = max(len(n) for n in totals)
    grand = sum(totals.values())
    for name, count in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"{name:<{width}} {count / items:9.0f} Ir/item {100 * count / grand:6.1f} %")
    print(f"{'total':<{width}} {grand / items:9.0f} Ir/item")
    return 0


if __name__ == "__main__":
    sys.exit(main())
