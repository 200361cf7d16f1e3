#!/usr/bin/env python3
"""Runs a command and prints `seconds=S cpu_s=C peak_rss_kib=R` for it (wall time, user+system
CPU and peak resident set of the command and its children), for benchmarks/load.sh.

usage: measure.py COMMAND [ARGS...]   (the command's stdout and stderr go to /dev/null)
"""
import resource
import subprocess
import sys
import time


def main():
    start = time.monotonic()
    status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800).returncode
    seconds = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"status={status} seconds={seconds:.3f} cpu_s={usage.ru_utime + usage.ru_stime:.3f} "
          f"peak_rss_kib={usage.ru_maxrss}")
    return status


if __name__ == "__main__":
    sys.exit(main())
