"""Protection against oversized requests and floods."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque

from fastapi import HTTPException, status


class BodyLimit:
    """Pure ASGI middleware: refuse bodies over `max_bytes` with 413, whether or not the
    client sent Content-Length (a chunked body is counted as it arrives)."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers") or []:
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    return await self._refuse(send)
        seen = 0

        async def counted():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return msg

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send):
        body = json.dumps({"detail": f"The request is too large (limit {self.max_bytes} bytes)."}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class RateLimiter:
    """At most `per_minute` events per key in any 60 seconds (in memory, per process)."""

    def __init__(self) -> None:
        self._events: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str, per_minute: int) -> None:
        now = time.monotonic()
        with self._lock:
            q = self._events[key]
            while q and now - q[0] > 60:
                q.popleft()
            if len(q) >= per_minute:
                retry = max(1, int(60 - (now - q[0])) + 1)
                raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                                    detail=f"Too many messages: wait {retry} seconds.",
                                    headers={"Retry-After": str(retry)})
            q.append(now)


message_limiter = RateLimiter()
login_limiter = RateLimiter()
