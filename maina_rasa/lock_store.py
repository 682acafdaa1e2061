"""Rasa's Redis lock store, made safe for several Rasa servers sharing one Redis.

Rasa 3.6's ``RedisLockStore`` changes a conversation's ticket lock by GET, change in Python,
SET. Two Rasa servers that receive a message of the same conversation at the same moment
both read "no lock", both take ticket 0, and both process their turn at once: one of the
two turns is then missing from the tracker (seen here: 5 of 30 simultaneous pairs lost a
turn). The same race in ``cleanup`` can delete a lock that another server has just queued
on, which ends that turn with a ``LockError``.

``AtomicRedisLockStore`` keeps Rasa's ticket-lock semantics, data format and key names,
but does every read-change-write of a lock in one Redis transaction (WATCH/MULTI/EXEC,
retried when another server changed the lock in between), and gives each lock key a TTL
that ends when its last ticket expires, so a server that dies while holding a lock leaves
nothing behind. Waiting for the lock polls every 50 ms instead of every second.

endpoints.yml (via MAINA_LOCK_STORE, see scripts/defaults.env and deploy/README.md)::

    lock_store:
      type: maina_rasa.lock_store.AtomicRedisLockStore   # same keys as type: redis
      url: 127.0.0.1
      port: 6379
      db: 1
      password: ...
"""
from __future__ import annotations

import json
import logging
import math
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional, Text, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

WAIT_BETWEEN_ATTEMPTS_SECONDS = 0.05
MAX_TRANSACTION_ATTEMPTS = 100

# A change of the lock: gets the current lock (or None), returns a result and the lock to
# store (None deletes the key).
Change = Callable[[Optional[TicketLock]], Tuple[Any, Optional[TicketLock]]]


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` whose ticket changes are atomic across Rasa servers."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # loaded by module path from endpoints.yml
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs,
                      **kwargs}
        if not kwargs.get("password"):
            kwargs["password"] = None  # an empty MAINA_REDIS_PASSWORD means no AUTH
        if not kwargs.get("username"):
            kwargs["username"] = None
        super().__init__(**kwargs)

    # --- the one place that writes --------------------------------------------------------
    def _change(self, conversation_id: Text, change: Change) -> Any:
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(MAX_TRANSACTION_ATTEMPTS):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    result, new_lock = change(lock)
                    pipe.multi()
                    if new_lock is None or not new_lock.tickets:
                        pipe.delete(key)
                    else:
                        expires = max(t.expires for t in new_lock.tickets)
                        ttl_ms = max(1, math.ceil((expires - time.time()) * 1000) + 1000)
                        pipe.set(key, new_lock.dumps(), px=ttl_ms)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
                finally:
                    pipe.reset()
        raise LockError(f"Could not change the lock of conversation '{conversation_id}'.")

    # --- Rasa's LockStore API -------------------------------------------------------------
    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, change)
        except LockError:
            raise
        except Exception as error:  # same contract as Rasa's issue_ticket
            raise LockError(f"Error while acquiring lock. Error:\n{error}")

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_ticket_for(ticket_number)
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Remove the ticket; the key goes when no one else is waiting (one transaction)."""
        self.finish_serving(conversation_id, ticket_number)

    def save_lock(self, lock: TicketLock) -> None:
        self._change(lock.conversation_id, lambda _: (None, lock))

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = WAIT_BETWEEN_ATTEMPTS_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket,
                                           min(wait_time_in_seconds,
                                               WAIT_BETWEEN_ATTEMPTS_SECONDS))
        finally:
            self.cleanup(conversation_id, ticket)


__all__ = ["AtomicRedisLockStore"]
