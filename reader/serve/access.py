"""Who may reach the served app: loopback by default, and only pages of the server's own origin.

textual-serve has no authentication. Whoever holds the websocket types into the app, so the
server must not listen beyond this machine unless asked, and must refuse a websocket opened by a
page from another site: browsers let any web page open a websocket to ``127.0.0.1``, sending the
page's origin along (cross-site websocket hijacking). A page whose own name was made to point at
this machine (DNS rebinding) has a matching origin, so the name it used is checked too.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from urllib.parse import urlsplit

from reader.models import ReaderError


def is_loopback(host: str) -> bool:
    """True when every address ``host`` names is on this machine alone (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    addresses = {info[4][0] for info in found}
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def page_url(host: str, port: int) -> str:
    """Where a browser on this machine finds the page."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def public_origin(url: str) -> str:
    """The origin (``scheme://host[:port]``) of the address a reverse proxy serves the page at."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ReaderError(f"--public-url must be an http or https address, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def _hostname(netloc: str) -> str:
    return (urlsplit(f"//{netloc}").hostname or "").lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@functools.cache
def _full_name() -> str:
    """This machine's full name; asked for only when needed (it may take a DNS lookup)."""
    return socket.getfqdn().lower()


class Gate:
    """Decides which websocket requests may start an app."""

    def __init__(self, host: str, public: str | None = None) -> None:
        names = {"localhost", host.strip("[]").lower(), socket.gethostname().lower()}
        self.public = public_origin(public) if public else None
        if self.public:
            names.add(_hostname(urlsplit(self.public).netloc))
        self.names = frozenset(name for name in names if name)

    def refusal(self, origin: str | None, host_header: str) -> str | None:
        """Why this request is refused, or None to accept it.

        The Host header must name this server (an IP address, ``localhost``, the address it
        listens on, this machine's name or the public URL's host); a browser's Origin must be
        the page's own (same host and port as the Host header) or the public URL's."""
        name = _hostname(host_header)
        if not name or not (_is_ip(name) or name in self.names or name == _full_name()):
            return f"the page was reached as {host_header!r}, which is not a name of this server"
        if origin is None:
            return None  # not a browser: browsers always send the page's origin
        origin = origin.lower()
        if origin == self.public or urlsplit(origin).netloc == host_header.lower():
            return None
        return f"a page from {origin} may not use the app served at {host_header}"
