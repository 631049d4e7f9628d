"""S3-compatible storage as a publish target (`s3://bucket/optional/prefix`).

One boto3 client is shared by every upload thread, with a connection pool sized
to the concurrency and botocore's `standard` retry mode (exponential backoff with
jitter for 500s, 503 SlowDown, throttling, timeouts and dropped connections).
Every PUT carries a Content-MD5 the store verifies, so a body corrupted on the way
is refused rather than published. Immutable keys are created with
`If-None-Match: *` where the store supports it (probed once per run), so an
existing object is never overwritten; finding the same bytes there is success.

The client is created on first use, and boto3 imported with it: a run with
nothing to write (most of cron's runs) never loads it. The target's identity
needs the endpoint the client would resolve, which `configured_endpoint_url`
finds the way botocore does without loading it.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from publisher.config import CHECKSUM_MODES
from publisher.errors import ConfigError, StoreError
from publisher.retry import botocore_retries
from publisher.stores.protocol import StoredObject, StoreOptions, check_key

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

_DELETE_BATCH = 1000
"""DeleteObjects takes at most 1,000 keys per request."""


def parse_s3_target(target: str) -> tuple[str, str]:
    """`s3://bucket/some/prefix` -> ("bucket", "some/prefix/")."""
    rest = target.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise ConfigError(f"target {target}: no bucket named (use s3://BUCKET/PREFIX)")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


class Unresolved:
    """An endpoint only the client can tell (the AWS config file names one)."""


UNRESOLVED: Final = Unresolved()


class S3Store:
    scheme = "s3"

    def __init__(
        self,
        client: Any,
        bucket: str,
        prefix: str = "",
        *,
        connect: Callable[[], Any] | None = None,
        endpoint_url: str | None | Unresolved = UNRESOLVED,
    ) -> None:
        """A store over a ready boto3 client, or none yet and `connect` to make one on the
        first request; `endpoint_url` is the one that client resolves, when known without it."""
        self._client = client
        self._connect = connect
        self._client_lock = threading.Lock()
        self._endpoint_url = endpoint_url
        self.bucket = bucket
        self.prefix = prefix
        self._conditional_writes: bool | None = None
        self._probe_lock = threading.Lock()

    @classmethod
    def open(cls, target: str, options: StoreOptions | None = None) -> S3Store:
        """A store for `target`. Sends no request (see `check`) and loads no boto3 yet."""
        bucket, prefix = parse_s3_target(target)
        options = options or StoreOptions()
        if options.checksum not in CHECKSUM_MODES:
            raise ConfigError(f"checksum mode {options.checksum!r}: use one of {CHECKSUM_MODES}")
        endpoint_url = configured_endpoint_url(options.endpoint_url)
        if isinstance(endpoint_url, str) and endpoint_url and not _is_endpoint(endpoint_url):
            raise ConfigError(f"target {target}: Invalid endpoint: {endpoint_url}")  # botocore's
        return cls(
            None,
            bucket,
            prefix,
            connect=functools.partial(_connect, target, options),
            endpoint_url=endpoint_url,
        )

    @property
    def client(self) -> Any:
        """The boto3 client, created on the first request; ConfigError when it cannot be."""
        if self._client is None:
            with self._client_lock:
                if self._client is None:
                    assert self._connect is not None  # given whenever a client is not
                    self._client = self._connect()
        return self._client

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def identity(self) -> str:
        """`s3://bucket/prefix`, plus `?endpoint=...` for a store other than AWS's.

        The endpoint is the one the client resolves (flag, AWS_ENDPOINT_URL_S3,
        AWS_ENDPOINT_URL, the AWS config file, or AWS's own), normalised by
        `endpoint_identity`. It is found without the client where botocore's
        rules allow (`configured_endpoint_url`), so a run with nothing to
        write never creates one.
        """
        prefix = self.prefix.rstrip("/")
        base = f"s3://{self.bucket}/{prefix}" if prefix else f"s3://{self.bucket}"
        endpoint_url = self._endpoint_url
        if isinstance(endpoint_url, Unresolved):
            endpoint_url = self.client.meta.endpoint_url
        endpoint = endpoint_identity(endpoint_url)
        return f"{base}?endpoint={endpoint}" if endpoint else base

    def public_prefix(self) -> str:
        """The prefix: a CDN or web server in front of the bucket serves its keys from the root."""
        return self.prefix

    def check(self) -> None:
        """Fail with one line (ConfigError) when the bucket cannot be used.

        Called before the first write of a run, so a run with nothing to write
        sends no request at all.
        """
        client = self.client  # first, so that botocore is loaded for what follows
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            EndpointConnectionError,
            NoCredentialsError,
            PartialCredentialsError,
        )

        try:
            client.head_bucket(Bucket=self.bucket)
        except (NoCredentialsError, PartialCredentialsError):
            raise ConfigError(
                f"target {self.describe()}: no AWS credentials found "
                "(set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
            ) from None
        except EndpointConnectionError:
            # The error's own URL is the request's (bucket and key included).
            raise ConfigError(
                f"target {self.describe()}: endpoint {self.client.meta.endpoint_url} unreachable"
            ) from None
        except ClientError as error:
            status = _status(error)
            if status == 404:
                raise ConfigError(
                    f"target {self.describe()}: bucket {self.bucket} does not exist"
                ) from None
            if status in (401, 403):
                raise ConfigError(
                    f"target {self.describe()}: access denied to bucket {self.bucket} "
                    "(check the credentials and their permissions)"
                ) from None
            raise ConfigError(f"target {self.describe()}: {_reason(error)}") from None
        except BotoCoreError as error:
            raise ConfigError(f"target {self.describe()}: {error}") from None

    def put(
        self,
        key: str,
        content: bytes,
        content_type: str,
        cache_control: str,
        create_only: bool = False,
    ) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        md5 = hashlib.md5(content, usedforsecurity=False)
        request = {
            "Bucket": self.bucket,
            "Key": self.prefix + check_key(key),
            "Body": content,
            "ContentType": content_type,
            "CacheControl": cache_control,
            "ContentMD5": base64.b64encode(md5.digest()).decode(),
        }
        if create_only and self._supports_conditional_writes():
            request["IfNoneMatch"] = "*"
        try:
            self.client.put_object(**request)
        except ClientError as error:
            if _status(error) == 412 and self._same_object(key, md5.hexdigest()):
                return  # already stored by an earlier or concurrent run
            raise StoreError(f"{key}: {_reason(error)}") from None
        except BotoCoreError as error:
            raise StoreError(f"{key}: {error}") from None

    def _same_object(self, key: str, md5_hex: str) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except (ClientError, BotoCoreError):
            return False
        return bool(head.get("ETag", "").strip('"') == md5_hex)

    def _supports_conditional_writes(self) -> bool:
        """Whether the store honours `If-None-Match: *` on PUT; probed once.

        Some S3-compatible stores reject the header, others ignore it: write a
        probe object twice and see whether the second write is refused.
        """
        with self._probe_lock:
            if self._conditional_writes is None:
                self._conditional_writes = self._probe()
            return self._conditional_writes

    def _probe(self) -> bool:
        from botocore.exceptions import BotoCoreError, ClientError

        key = f"{self.prefix}.publisher-probe-{uuid.uuid4().hex}"
        try:
            for _ in range(2):
                self.client.put_object(Bucket=self.bucket, Key=key, Body=b"", IfNoneMatch="*")
            return False  # the second write went through: the header is ignored
        except ClientError as error:
            return _status(error) == 412
        except BotoCoreError:
            return False
        finally:
            with contextlib.suppress(ClientError, BotoCoreError):
                self.client.delete_object(Bucket=self.bucket, Key=key)

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + check_key(key))
            return bytes(response["Body"].read())
        except ClientError as error:
            if _status(error) == 404:
                return None
            raise StoreError(f"{key}: {_reason(error)}") from None
        except BotoCoreError as error:
            raise StoreError(f"{key}: {error}") from None

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        from botocore.exceptions import BotoCoreError, ClientError

        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    yield StoredObject(
                        key=item["Key"].removeprefix(self.prefix),
                        size=item["Size"],
                        modified=item["LastModified"],
                        content_md5=_etag_md5(item.get("ETag", "")),
                    )
        except ClientError as error:
            raise StoreError(f"listing {self.describe()}{prefix}: {_reason(error)}") from None
        except BotoCoreError as error:
            raise StoreError(f"listing {self.describe()}{prefix}: {error}") from None

    def delete(self, keys: Sequence[str]) -> None:
        """One DeleteObjects request per 1,000 keys, checking every key's own result.

        Stops at the first request with a failed key; the requests before it
        stay done.
        """
        from botocore.exceptions import BotoCoreError, ClientError

        for key in keys:
            check_key(key)
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            try:
                response = self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": self.prefix + k} for k in batch], "Quiet": True},
                )
            except ClientError as error:
                raise StoreError(f"deleting from {self.describe()}: {_reason(error)}") from None
            except BotoCoreError as error:
                raise StoreError(f"deleting from {self.describe()}: {error}") from None
            errors = response.get("Errors", [])
            if errors:
                first = errors[0]
                raise StoreError(
                    f"{first['Key'].removeprefix(self.prefix)}: {first.get('Code')} "
                    f"{first.get('Message', '')} ({len(errors)} of {len(batch)} deletes failed)"
                )


def configured_endpoint_url(
    given: str | None, environ: Mapping[str, str] = os.environ
) -> str | None | Unresolved:
    """The endpoint URL a boto3 S3 client will use, found without loading botocore.

    botocore's order (`configprovider.EndpointConfigProvider`): the URL given,
    then, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, AWS_ENDPOINT_URL_S3,
    AWS_ENDPOINT_URL, and the AWS config file's profile and `services` sections;
    otherwise AWS's own endpoint (None). The file is not parsed here: when it
    mentions an endpoint at all, UNRESOLVED says to ask the client.
    """
    if given is not None:
        return given
    config_file = Path(environ.get("AWS_CONFIG_FILE", "~/.aws/config")).expanduser()
    try:
        config = config_file.read_text(errors="replace")
    except OSError:
        config = ""  # no config file: nothing configured there
    ignore = environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
    if ignore is None and "ignore_configured_endpoint_urls" in config:
        return UNRESOLVED  # the file's own setting decides
    if ignore is not None and ignore.lower() == "true":
        return None
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):
        if environ.get(name):
            return environ[name]
    return UNRESOLVED if "endpoint_url" in config else None


def _is_endpoint(url: str) -> bool:
    """Whether `url` can be an endpoint: http or https, and a host (botocore would refuse it
    when it makes the client; refused when the store is opened, the identity never names it)."""
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _connect(target: str, options: StoreOptions) -> Any:
    """A boto3 client for `target`'s store, as `options` say; ConfigError when it cannot be made."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    config = Config(
        retries=botocore_retries(options.max_attempts),  # the policy: publisher.retry
        max_pool_connections=options.concurrency + 4,
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        request_checksum_calculation=options.checksum,
        response_checksum_validation=options.checksum,
        s3={"addressing_style": "path" if options.path_style else "auto"},
    )
    try:
        return boto3.session.Session().client(
            "s3", endpoint_url=options.endpoint_url, config=config
        )
    except (BotoCoreError, ValueError) as error:
        raise ConfigError(f"target {target}: {error}") from None


AWS_DOMAINS = (".amazonaws.com", ".amazonaws.com.cn")
"""Bucket names are global across AWS's regions: any of its endpoints names the same bucket."""


def endpoint_identity(endpoint_url: str | None) -> str | None:
    """An endpoint as records name it, or None for AWS itself.

    Scheme and host are lowercased, a default port and any user name or password
    dropped, so one store always gets one name and no secret reaches the database.
    """
    if not endpoint_url:
        return None
    parts = urlsplit(endpoint_url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.endswith(AWS_DOMAINS) or host in {d.lstrip(".") for d in AWS_DOMAINS}:
        return None
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != {"http": 80, "https": 443}.get(scheme):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    return f"{scheme}://{host}{path}"


def _etag_md5(etag: str) -> str | None:
    """The MD5 an ETag may be, for `StoredObject.content_md5`.

    The ETag of an object stored by a single PUT is the MD5 of its bytes,
    except under SSE-KMS (a hint that does not match costs one read). A
    multipart upload's ETag (`<hex>-<parts>`) never is one: None.
    """
    etag = etag.strip('"')
    return etag if len(etag) == 32 else None


def _status(error: ClientError) -> int | None:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if status is not None else None


def _reason(error: ClientError) -> str:
    details = error.response.get("Error", {})
    code = details.get("Code", "error")
    message = details.get("Message", "")
    return f"{code} {message}".strip() + f" (HTTP {_status(error)})"
