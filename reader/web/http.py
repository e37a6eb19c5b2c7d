"""HTTP the polite way: one session type for every request reader makes.

Every request has a timeout, a User-Agent naming reader and its version, and retries with
backoff on 429 and 5xx answers (honouring Retry-After, up to a limit). Requests to arXiv are
spaced by its rule of one request every three seconds. Failures become ``WebError`` with a
cause a person can read ("timed out after 30 s", "cannot reach export.arxiv.org").
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from reader import __version__
from reader.models import ReaderError

ARXIV_API_ENV = "READER_ARXIV_API"
ARXIV_PDF_ENV = "READER_ARXIV_PDF"
DOI_RESOLVER_ENV = "READER_DOI_RESOLVER"
ARXIV_DELAY_ENV = "READER_ARXIV_DELAY"
TIMEOUT_ENV = "READER_HTTP_TIMEOUT"

DEFAULT_ARXIV_API = "https://export.arxiv.org/api/query"
DEFAULT_ARXIV_PDF = "https://arxiv.org/pdf"
DEFAULT_DOI_RESOLVER = "https://doi.org"
DEFAULT_ARXIV_DELAY = 3.0  # arXiv's terms of use: no more than one request every three seconds
DEFAULT_TIMEOUT = 30.0

RETRY_STATUSES = (429, 500, 502, 503, 504)
STATUS_RETRIES = 3
# Backoff between retries: 1 s, 2 s, 4 s... but never less than the arXiv delay, and a server's
# Retry-After is honoured up to MAX_RETRY_AFTER (a longer wait is cut short: a person is waiting).
BACKOFF_FACTOR = 1.0
MAX_RETRY_AFTER = 30.0


class WebError(ReaderError):
    """A lookup or download failed; the message says why in a person's words."""


def user_agent() -> str:
    return f"reader/{__version__} (research paper library) python-requests/{requests.__version__}"


@dataclass(frozen=True)
class Settings:
    """Where reader looks things up, and how patiently; read from the environment per run."""

    arxiv_api: str = DEFAULT_ARXIV_API
    arxiv_pdf: str = DEFAULT_ARXIV_PDF
    doi_resolver: str = DEFAULT_DOI_RESOLVER
    arxiv_delay: float = DEFAULT_ARXIV_DELAY
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            arxiv_api=_endpoint(env, ARXIV_API_ENV, DEFAULT_ARXIV_API),
            arxiv_pdf=_endpoint(env, ARXIV_PDF_ENV, DEFAULT_ARXIV_PDF),
            doi_resolver=_endpoint(env, DOI_RESOLVER_ENV, DEFAULT_DOI_RESOLVER),
            arxiv_delay=_seconds(env, ARXIV_DELAY_ENV, DEFAULT_ARXIV_DELAY, low=0.0),
            timeout=_seconds(env, TIMEOUT_ENV, DEFAULT_TIMEOUT, low=0.01),
        )


def _endpoint(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ReaderError(f"{name} must be an http(s) address, not '{value[:80]}'")
    return value.rstrip("/")


def _seconds(env: Mapping[str, str], name: str, default: float, *, low: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not low <= value <= 3600:
        raise ReaderError(f"{name} must be a number of seconds from {low:g} to 3600, not '{text}'")
    return value


def host(url: str) -> str:
    return urlsplit(url).netloc or url


class Throttle:
    """At least ``spacing`` seconds from the end of one request to the start of the next,
    across the sessions sharing it (as arXiv's rule is meant: the server sees the gap)."""

    def __init__(self, spacing: float) -> None:
        self.spacing = spacing
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            if self._last is not None and self.spacing > 0:
                pause = self._last + self.spacing - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            self._last = time.monotonic()

    def done(self) -> None:
        with self._lock:
            self._last = time.monotonic()


class PoliteRetry(Retry):
    """urllib3's Retry, waiting at least ``floor`` seconds before each retry and at most
    MAX_RETRY_AFTER for a server's Retry-After."""

    def __init__(self, *args: Any, floor: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.floor = floor

    def new(self, **kwargs: Any) -> PoliteRetry:
        retry = super().new(**kwargs)
        retry.floor = self.floor
        return retry

    def get_backoff_time(self) -> float:
        """After an answer (429, 5xx) wait at least the floor; a failed connection is retried
        at once, so being offline fails fast."""
        answered = bool(self.history) and self.history[-1].status is not None
        return max(super().get_backoff_time(), self.floor if answered else 0.0)

    def get_retry_after(self, response: Any) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else max(min(seconds, MAX_RETRY_AFTER), self.floor)


def retry_policy(floor: float) -> PoliteRetry:
    return PoliteRetry(
        total=STATUS_RETRIES + 1,
        connect=1,  # one more try for a dropped connection; offline fails fast
        read=False,  # a read timeout is reported at once, not waited out again
        status=STATUS_RETRIES,
        other=0,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        backoff_factor=BACKOFF_FACTOR,
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer comes back, so its status can be reported
        floor=floor,
    )


class WebSession(requests.Session):
    """A Session that injects the timeout and the User-Agent into every request (the arxiv
    package passes neither its own way), retries politely and can be throttled; ``check``
    sees every final response and may raise WebError."""

    def __init__(
        self,
        settings: Settings,
        *,
        throttle: Throttle | None = None,
        check: Callable[[requests.Response], None] | None = None,
    ) -> None:
        super().__init__()
        self.timeout = settings.timeout
        self.throttle = throttle
        self.check = check
        self.headers["User-Agent"] = user_agent()
        adapter = HTTPAdapter(max_retries=retry_policy(settings.arxiv_delay))
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        headers = {
            name: value
            for name, value in (kwargs.get("headers") or {}).items()
            if name.lower() != "user-agent"
        }
        headers["User-Agent"] = user_agent()
        kwargs["headers"] = headers
        if self.throttle is not None:
            self.throttle.wait()
        try:
            response = super().request(method, url, *args, **kwargs)
        finally:
            if self.throttle is not None:
                self.throttle.done()
        if self.check is not None:
            self.check(response)
        return response


def describe(error: BaseException, timeout: float, url: str = "") -> str:
    """What went wrong with a request, in a few words: the cause, never a traceback."""
    if isinstance(error, ReaderError):
        return str(error)
    url = getattr(getattr(error, "request", None), "url", None) or url
    where = host(url) if url else "the server"
    if isinstance(error, requests.exceptions.Timeout):
        return f"{where} did not answer in time (timed out after {timeout:g} s)"
    if isinstance(error, requests.exceptions.SSLError):
        return f"cannot reach {where} securely (TLS error)"
    if isinstance(error, requests.exceptions.ConnectionError):
        text = str(error)
        if "timed out" in text.lower():  # a read timeout in the middle of a download
            return f"{where} stopped sending (timed out after {timeout:g} s)"
        if "NameResolution" in text or "Name or service not known" in text or "getaddrinfo" in text:
            return f"cannot reach {where} (no network, or the name does not resolve)"
        if "refused" in text.lower():
            return f"cannot reach {where} (connection refused)"
        return f"cannot reach {where} (the connection failed)"
    if isinstance(
        error, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return f"the answer from {where} broke off"
    if isinstance(error, requests.exceptions.TooManyRedirects):
        return f"{where} redirected too many times"
    if isinstance(error, requests.exceptions.RequestException):
        return f"the request to {where} failed ({type(error).__name__})"
    return f"{type(error).__name__}: {error}"


def status_text(response: requests.Response) -> str:
    reason = response.reason if isinstance(response.reason, str) else ""
    return f"HTTP {response.status_code}" + (f" {reason}" if reason else "")


def content_type(response: requests.Response) -> str:
    return (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()


def read_capped(response: requests.Response, limit: int, what: str) -> bytes:
    """The body of a streamed response, refusing more than ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    for block in response.iter_content(64 * 1024):
        size += len(block)
        if size > limit:
            raise WebError(f"{what} is larger than {limit // (1024 * 1024)} MB")
        chunks.append(block)
    return b"".join(chunks)
