"""A real S3-compatible server on the loopback for the tests (moto's server mode), and plain boto3
copies between a folder and a bucket: the tests put inputs in and read outputs back without going
through the code under test."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class S3Server:
    endpoint: str
    env: dict[str, str]

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1")

    def bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def upload_tree(self, folder: Path, bucket: str, prefix: str) -> int:
        n = 0
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                self.client().upload_file(str(path), bucket, f"{prefix}/{path.relative_to(folder).as_posix()}")
                n += 1
        return n

    def keys(self, bucket: str, prefix: str) -> dict[str, bytes]:
        """Every object under ``prefix`` (relative key -> bytes)."""
        c = self.client()
        out = {}
        for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/"):
            for o in page.get("Contents", []):
                out[o["Key"][len(prefix) + 1 :]] = c.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
        return out

    def download_tree(self, bucket: str, prefix: str, folder: Path) -> Path:
        for key, data in self.keys(bucket, prefix).items():
            p = Path(folder) / key
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        return Path(folder)


@contextmanager
def running() -> Iterator[S3Server]:
    """The server on a free port for the length of the block, with this process's environment set
    to reach it (restored after); moto's request log kept quiet."""
    from moto.server import ThreadedMotoServer

    saved = dict(os.environ)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": "padan-test",
        "AWS_SECRET_ACCESS_KEY": "padan-test-secret",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    os.environ.update(env)
    try:
        yield S3Server(endpoint, env)
    finally:
        server.stop()
        os.environ.clear()
        os.environ.update(saved)
