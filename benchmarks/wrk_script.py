#!/usr/bin/env python3
"""Writes a wrk Lua script posting one pre-built, SigV4-signed BatchWriteItem of 25 puts.

usage: wrk_script.py ENDPOINT_URL OUT.lua
The signature is computed once (botocore's signer); the stand-in endpoint does not check it,
so replaying it measures the endpoint's ceiling, not signing.
"""
import json
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    endpoint, out = sys.argv[1], sys.argv[2]
    payload = "x" * 100
    body = json.dumps({"RequestItems": {"bench": [
        {"PutRequest": {"Item": {"pk": {"S": f"item-{i}"}, "n": {"N": str(i)}, "s": {"S": payload}}}}
        for i in range(25)]}}, separators=(",", ":"))
    req = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810.BatchWriteItem"})
    SigV4Auth(Credentials("AKIDBENCHMARK", "benchmark-secret"), "dynamodb", "us-east-1").add_auth(req)
    with open(out, "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write("wrk.body = [==[" + body + "]==]\n")
        for name, value in req.headers.items():
            if name.lower() in ("host", "content-length"):
                continue
            f.write(f'wrk.headers["{name}"] = "{value}"\n')


if __name__ == "__main__":
    main()
