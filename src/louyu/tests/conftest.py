"""An S3-compatible server for the tests of file storage: moto's server mode, in this
process on a free loopback port, and a fresh bucket per test behind Django's default
storage."""

import json
import logging
import socket
import uuid

import pytest

S3_ACCESS_KEY = "louyu-test-access"
S3_SECRET_KEY = "louyu-test-secret"  # noqa: S105 - moto accepts any key
S3_REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of a moto S3 server running for the session; stopped at its end."""
    from moto.server import ThreadedMotoServer

    requests_log = logging.getLogger("werkzeug")  # one INFO line per S3 request otherwise
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        requests_log.setLevel(level)


class S3:
    """A bucket on the test server: its client, and the storage options that reach it."""

    def __init__(self, endpoint: str):
        import boto3

        self.endpoint = endpoint
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=S3_ACCESS_KEY,
            aws_secret_access_key=S3_SECRET_KEY,
            region_name=S3_REGION,
        )

    def bucket(self) -> str:
        """A new, empty bucket's name."""
        name = f"louyu-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        return name

    def options(self, bucket: str) -> dict:
        """The storages.backends.s3.S3Storage OPTIONS for ``bucket``, as in the README."""
        return {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint,
            "access_key": S3_ACCESS_KEY,
            "secret_key": S3_SECRET_KEY,
            "region_name": S3_REGION,
            "addressing_style": "path",
            "file_overwrite": False,
        }

    def environment(self, bucket: str) -> dict[str, str]:
        """The LOUYU_STORAGE_* variables of a ``louyu`` process storing into ``bucket``."""
        return {
            "LOUYU_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "LOUYU_STORAGE_OPTIONS": json.dumps(self.options(bucket)),
        }

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object in ``bucket``: its key and content."""
        listing = self.client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {
            item["Key"]: self.client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
            for item in listing
        }


@pytest.fixture
def s3_storage(s3_endpoint, settings):
    """Django's default storage is a new bucket on the test S3 server (``s3.default``)."""
    s3 = S3(s3_endpoint)
    s3.default = s3.bucket()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3.options(s3.default)},
    }
    return s3
