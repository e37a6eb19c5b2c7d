"""The app in a browser: textual-serve runs one app process per browser tab, all on one library.

Three things differ from textual-serve's own server. The page loads nothing from another host
(its fonts are the ones the package ships). A websocket from a page of another origin is refused
(see ``access``). And stopping the server ends every app process it started: each is asked to
quit, given a few seconds to finish its writes, then killed, and waited for, so no process is
left behind.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from reader.serve.access import Gate

TEMPLATES = Path(__file__).resolve().parent / "templates"
# Seconds an app asked to quit gets before it is killed.
QUIT_PATIENCE = 5.0
# Seconds the server waits for open connections once every app has been stopped.
SHUTDOWN_TIMEOUT = 2.0

log = logging.getLogger("reader.serve")


def app_command(library: Path, python: str = sys.executable) -> str:
    """The shell command textual-serve runs for each tab. Every part is quoted, so a library
    path with spaces, quotes or ``$`` reaches the app as it is; ``exec`` makes the shell become
    the app, so no shell process waits beside it."""
    return f"exec {shlex.quote(python)} -m reader --db {shlex.quote(str(library))}"


class LibraryServer(Server):
    """Serves the app on ``library``; ``run`` blocks until SIGINT, SIGTERM or SIGHUP."""

    def __init__(
        self,
        library: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        public_url: str | None = None,
    ) -> None:
        super().__init__(
            app_command(library),
            host=host,
            port=port,
            title="reader",
            public_url=public_url,
            templates_path=TEMPLATES,
        )
        self.library = library
        self.gate = Gate(host, public_url)
        self.sessions: dict[AppService, web.WebSocketResponse] = {}
        self.endings: dict[AppService, asyncio.Task[None]] = {}

    def run(self, listening: Callable[[], None] = lambda: None) -> None:
        """Serve until a stop signal; ``listening()`` is called once the port accepts pages."""
        asyncio.run(self._run(listening))

    async def _run(self, listening: Callable[[], None]) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None:
                # Not on Windows: there Ctrl+C arrives as KeyboardInterrupt; cleanup still runs.
                with suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(number, stop.set)
        runner = web.AppRunner(
            await self._make_app(),
            handle_signals=False,
            access_log=None,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
            listening()
            await stop.wait()
        finally:
            # Stops listening, then on_shutdown ends every app, then connections are closed.
            await runner.cleanup()

    async def on_startup(self, app: web.Application) -> None:
        """Says nothing: the command prints where the page is (textual-serve prints a logo)."""

    async def on_shutdown(self, app: web.Application) -> None:
        if self.sessions:
            log.info("stopping %d app(s)", len(self.sessions))
        await asyncio.gather(*(self._end(session) for session in list(self.sessions)))

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab: a new app process, fed the tab's keys, until either side closes."""
        refusal = self.gate.refusal(request.headers.get("Origin"), request.host)
        if refusal:
            log.warning("refused a connection: %s", refusal)
            raise web.HTTPForbidden(text=refusal)
        websocket = web.WebSocketResponse(heartbeat=15, timeout=2)
        session = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        self.sessions[session] = websocket
        try:
            await websocket.prepare(request)
            await session.start(width, height)
            log.info("a page connected: app process %s", _pid(session))
            await self._process_messages(websocket, session)
        except Exception as error:  # a broken connection must not stop the server
            log.warning("a page's connection failed: %s", error)
        finally:
            await self._end(session)
        return websocket

    async def _end(self, session: AppService) -> None:
        """Once per app, whether its page left or the server is stopping (both wait for it)."""
        ending = self.endings.get(session)
        if ending is None:
            ending = self.endings[session] = asyncio.create_task(self._finish(session))
        await asyncio.shield(ending)

    async def _finish(self, session: AppService) -> None:
        """Ask the app to quit and wait for it; kill it if it has not ended within
        QUIT_PATIENCE; then close its page's websocket (the page offers to restart)."""
        if session not in self.sessions:
            return  # ended already
        websocket = self.sessions.pop(session)
        process = session._process  # textual-serve keeps it; the only way to be sure it ended

        async def quit_app() -> None:
            await session.stop()
            if process is not None:
                await process.wait()

        try:
            await asyncio.wait_for(quit_app(), QUIT_PATIENCE)
        except Exception as error:  # TimeoutError, or a pipe broken by a crashed app
            if process is not None and process.returncode is None:
                log.warning("app process %s did not quit (%r): killing it", process.pid, error)
                process.kill()
                await process.wait()
        if process is not None:
            log.info("app process %s ended", process.pid)
        if not websocket.closed:
            await websocket.close(code=WSCloseCode.GOING_AWAY)
        self.endings.pop(session, None)


def _pid(session: AppService) -> int | str:
    process = session._process
    return process.pid if process is not None else "?"
