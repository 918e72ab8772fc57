"""A first-come, first-served queue for the requests that write, in front of SQLite's single write lock.

SQLite lets one transaction write at a time. Writers begin with ``BEGIN IMMEDIATE`` (``core/database.py``), so
a second writer waits for the lock instead of failing; but it waits inside a worker thread, polling with
growing sleeps, and 32 such waiters would hold 32 of the server's worker threads and starve the readers. The
gate makes writers of one process wait *before* they take a thread: an ``asyncio.Lock`` (FIFO) per event
loop, held from the start of the handler to the end of its commit. ``BEGIN IMMEDIATE`` and ``busy_timeout``
still order writers of different processes (a CLI import next to the web app). PostgreSQL needs no gate.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary


class WriteGate:
    """One writer at a time per event loop (a no-op when ``enabled`` is false)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()
        self._guard = threading.Lock()

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._locks.get(loop)
            if lock is None:
                lock = asyncio.Lock()
                self._locks[loop] = lock
            return lock

    @asynccontextmanager
    async def hold(self, write: bool = True) -> AsyncIterator[None]:
        """Wait for the gate when ``write`` (and the gate is on), then hold it for the block."""
        if not (write and self.enabled):
            yield
            return
        async with self._lock():
            yield

    def busy(self) -> bool:
        """Whether a writer of this loop holds the gate now (for best-effort work that should not queue)."""
        if not self.enabled:
            return False
        return self._lock().locked()
