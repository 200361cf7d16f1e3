#!/usr/bin/env python3
"""boto3's Table.batch_writer() putting ITEMS items {pk: S, n: N, s: S(100)}; the baseline.

usage: boto3_batch_writer.py ENDPOINT_URL ITEMS
Prints the same key=value line as bench_batch_writer.
"""
import os
import resource
import sys
import time

import boto3


def main():
    endpoint, items = sys.argv[1], int(sys.argv[2])
    table = boto3.resource(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="AKIDBENCHMARK", aws_secret_access_key="benchmark-secret",
    ).Table("bench")
    payload = "x" * 100
    cpu0 = time.process_time()
    sys0 = os.times().system
    t0 = time.monotonic()
    with table.batch_writer() as batch:
        for i in range(items):
            batch.put_item(Item={"pk": f"item-{i}", "n": i, "s": payload})
    secs = time.monotonic() - t0
    cpu = time.process_time() - cpu0
    system = os.times().system - sys0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"items={items} seconds={secs:.3f} items_per_s={items / secs:.0f} "
          f"cpu_us_per_item={cpu * 1e6 / items:.2f} sys_us_per_item={system * 1e6 / items:.2f} peak_rss_kib={rss}")


if __name__ == "__main__":
    main()
