#!/usr/bin/env python3
"""The baseline of benchmarks/load.sh: a JSON Lines loader written the usual way with boto3,
one item per line (numbers read as Decimal, as boto3 requires), through Table.batch_writer().

usage: boto3_load.py ENDPOINT_URL TABLE FILE
"""
import decimal
import json
import sys

import boto3


def main():
    endpoint, table_name, path = sys.argv[1:4]
    table = boto3.resource(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="AKIDBENCHMARK", aws_secret_access_key="benchmark-secret",
    ).Table(table_name)
    n = 0
    with open(path, encoding="utf-8") as f, table.batch_writer() as batch:
        for line in f:
            batch.put_item(Item=json.loads(line, parse_float=decimal.Decimal))
            n += 1
    print(f"boto3_load: {n} items", file=sys.stderr)


if __name__ == "__main__":
    main()
