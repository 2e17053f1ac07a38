"""A small asyncio HTTP/1.1 keep-alive client (standard library only) for benches that need a
thousand simultaneous clients: one connection per simulated phone, each request timed."""

from __future__ import annotations

import asyncio
import json
import time

from tests.bench.helpers import CSRF


class AioHttp:
    """One keep-alive connection to 127.0.0.1:port, reopened after an error."""

    def __init__(self, port: int, session: str = ""):
        self.port = port
        self.session = session
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**20)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None

    async def call(self, method: str, path: str, *, body=None, headers: dict | None = None, form: str | None = None):
        """(status, headers, body bytes, seconds); status 0 on a connection error. A keep-alive
        connection the server closed while idle is reopened and the request sent again, as browsers do."""
        started = time.perf_counter()
        reused = self.writer is not None
        result = await self._call(method, path, body=body, headers=headers, form=form)
        if result[0] == 0 and reused:  # start, autosave and polls are safe to send again
            result = await self._call(method, path, body=body, headers=headers, form=form)
        return result[0], result[1], result[2], time.perf_counter() - started

    async def _call(self, method: str, path: str, *, body=None, headers: dict | None = None, form: str | None = None):
        started = time.perf_counter()
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
        if self.session:
            lines.append(f"Cookie: sessionid={self.session}; csrftoken={CSRF}")
            lines.append(f"X-CSRFToken: {CSRF}")
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            lines.append("Content-Type: application/json")
        elif form is not None:
            payload = form.encode()
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if payload or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(payload)}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        try:
            if self.writer is None:
                await self._open()
            self.writer.write(request)
            await self.writer.drain()
            status_line = await self.reader.readline()
            if not status_line:
                raise ConnectionError("connection closed")
            status = int(status_line.split()[1])
            response_headers: dict[str, str] = {}
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                response_headers[name.strip().lower()] = value.strip()
            if response_headers.get("transfer-encoding", "").lower() == "chunked":
                data = b""
                while True:
                    size = int((await self.reader.readline()).strip() or b"0", 16)
                    if size == 0:
                        await self.reader.readline()
                        break
                    data += await self.reader.readexactly(size + 2)
                    data = data[:-2]
            else:
                length = int(response_headers.get("content-length", "0"))
                data = await self.reader.readexactly(length) if length else b""
            if response_headers.get("connection", "").lower() == "close":
                await self.close()
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            await self.close()
            return 0, {}, str(exc).encode(), time.perf_counter() - started
        return status, response_headers, data, time.perf_counter() - started
