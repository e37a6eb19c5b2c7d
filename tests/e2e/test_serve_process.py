"""``reader serve`` as a real process, reached over HTTP and websockets without a browser (these
run wherever the suite runs): the page it sends, who may start an app, and that every app
process ends with its page or with the server."""

from __future__ import annotations

import asyncio
import re
import sys
from urllib.parse import urlsplit

import aiohttp
import pytest

from .support import PATIENCE, Served, command_line, is_running, wait_until


class Client:
    """A page's websocket without the page: reads everything the app writes, as a tab does."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.received = 0
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.socket:
            if message.type is aiohttp.WSMsgType.BINARY:
                self.received += len(message.data)

    async def wait_for_app(self) -> None:
        """Until the app has drawn its first screen."""
        async with asyncio.timeout(PATIENCE):
            while self.received < 1000:
                assert not self.reader.done(), "the server closed the connection"
                await asyncio.sleep(0.05)

    async def closed_by_server(self) -> bool:
        async with asyncio.timeout(PATIENCE):
            await self.reader
        return self.socket.closed


async def connect(
    session: aiohttp.ClientSession, served: Served, origin: str | None = "same", host: str = ""
) -> Client:
    netloc = urlsplit(served.url).netloc
    headers = {"Host": host} if host else {}
    socket = await session.ws_connect(
        f"ws://{netloc}/ws?width=100&height=30",
        origin=f"http://{netloc}" if origin == "same" else origin,
        headers=headers,
        timeout=aiohttp.ClientWSTimeout(ws_close=PATIENCE),
    )
    return Client(socket)


async def test_the_page_loads_nothing_from_another_host(served: Served) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(served.url) as response:
            html = await response.text()
        addresses = re.findall(r'(?:href|src)="([^"]*)"|url\("?([^")]*)', html)
        addresses = [a or b for a, b in addresses]
        assert "static/js/textual.js" in addresses and "static/css/xterm.css" in addresses
        assert any(address.endswith(".ttf") for address in addresses)
        # Relative addresses only: no scheme, no host, not even this server's name.
        assert "://" not in html and "//" not in "".join(addresses), addresses
        for address in addresses:
            async with session.get(served.url + address) as response:
                assert response.status == 200, address


async def test_only_pages_of_the_server_start_an_app_which_ends_with_its_page(
    served: Served,
) -> None:
    port = urlsplit(served.url).port
    async with aiohttp.ClientSession() as session:
        for origin, host in [
            ("https://example.org", ""),  # another site's page (cross-site websocket)
            (f"http://attacker.example:{port}", f"attacker.example:{port}"),  # DNS rebinding
            ("null", ""),  # a file or a sandboxed frame
        ]:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await connect(session, served, origin, host)
            assert refused.value.status == 403
        assert served.apps() == []
        assert "refused a connection" in served.output()

        for origin in ("same", None):  # the page itself, or a client that is not a browser
            client = await connect(session, served, origin)
            await client.wait_for_app()
            (app,) = served.apps()
            await client.socket.close()  # the tab is closed: its app ends
            wait_until(lambda app=app: not is_running(app), "the app to end with its page")


async def test_ctrl_c_ends_every_app_and_the_server(served: Served) -> None:
    async with aiohttp.ClientSession() as session:
        clients = [await connect(session, served) for _ in range(2)]
        for client in clients:
            await client.wait_for_app()
        apps = served.apps()
        assert len(apps) == 2
        for pid in apps:  # the shell exec'd the app: nothing sits between server and app
            assert command_line(pid)[:4] == [sys.executable, "-m", "reader", "--db"]

        code = await asyncio.to_thread(served.interrupt)

        assert code == 0, served.output()
        assert [pid for pid in apps if is_running(pid)] == []
        for client in clients:
            assert await client.closed_by_server()
    assert served.output().count("ended") == 2, served.output()
