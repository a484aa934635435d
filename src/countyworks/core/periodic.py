"""Each periodic task runs once per period, however many ``countyworks worker`` processes run.

Every huey consumer has its own scheduler, which enqueues the periodic tasks that are due once a
minute; with two workers each task would be queued, and run, twice per period. The queue class
below claims each (task, minute) in Redis first — ``SET key NX EX`` (Redis manual, SET: "NX -- Only
set the key if it does not already exist") — and enqueues only the tasks it claimed, so the other
schedulers find the claim taken and skip. Schedulers wake at different seconds of the minute, so
the minute of the scheduler's clock names the period; the claim outlives any skew between hosts.

What it does not give: a task whose worker dies mid-run is not run again in that period. The
periodic tasks are written to catch up (escalation takes every ticket overdue by now, retention
every row older than the horizon), so the next period does the work.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from huey import RedisHuey
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: How long a claim is kept (seconds): far longer than any clock skew between workers.
CLAIM_SECONDS = 3600


def period_key(queue_name: str, task_name: str, timestamp: datetime.datetime) -> str:
    """The Redis key claiming ``task_name`` for the minute of ``timestamp``."""
    return f"{queue_name}:periodic:{task_name}:{timestamp:%Y%m%dT%H%M}"


class OncePerPeriodRedisHuey(RedisHuey):
    """:class:`huey.RedisHuey` whose schedulers enqueue a due periodic task only if they claim it."""

    def read_periodic(self, timestamp: datetime.datetime | None) -> list[Any]:
        if timestamp is None:
            timestamp = self._get_timestamp()
        claimed = []
        for task in super().read_periodic(timestamp):
            key = period_key(self.name, task.name, timestamp)
            try:
                won = self.storage.conn.set(key, "1", nx=True, ex=CLAIM_SECONDS)
            except RedisError:
                logger.exception("cannot claim periodic task %s (Redis away); not enqueued", task.name)
                continue
            if won:
                logger.info("periodic task %s claimed for %s", task.name, f"{timestamp:%Y-%m-%d %H:%M}")
                claimed.append(task)
            else:
                logger.debug("periodic task %s for %s claimed by another worker", task.name, key)
        return claimed
