"""Two huey consumers on one Redis queue run each periodic task once per period (REDIS_URL)."""

from __future__ import annotations

import datetime
import os
import threading
import uuid

import pytest
from huey import RedisHuey, crontab
from huey.consumer import Consumer

from countyworks.core.periodic import OncePerPeriodRedisHuey

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("REDIS_URL", "")
MINUTES = [datetime.datetime(2026, 12, 7, 8, m, s) for m, s in ((0, 5), (0, 40), (1, 20), (2, 1), (2, 59))]


def _run_two_consumers(huey_class: type[RedisHuey]) -> dict[str, int]:
    """Two consumers, each with its own scheduler and a worker, share one queue; their schedulers
    wake at different seconds of the same minutes. Returns the runs per minute."""
    if not REDIS_URL:
        pytest.skip("set REDIS_URL to run the Redis tests")
    name = f"cw-test-periodic-{uuid.uuid4().hex[:8]}"
    hueys = [huey_class(name=name, url=REDIS_URL, utc=False) for _ in range(2)]
    runs = hueys[0].storage.conn
    counter = f"{name}:runs"

    for huey in hueys:

        @huey.periodic_task(crontab(minute="*"), name="tick")
        def tick() -> None:
            runs.incr(counter)

    consumers = [Consumer(huey, workers=1, periodic=True) for huey in hueys]
    schedulers = [consumer._create_scheduler() for consumer in consumers]
    for i, when in enumerate(MINUTES):
        schedulers[i % 2].enqueue_periodic_tasks(when)
        schedulers[(i + 1) % 2].enqueue_periodic_tasks(when.replace(second=(when.second + 30) % 60))
    done = threading.Event()

    def drain(huey: RedisHuey) -> None:
        while not done.is_set():
            task = huey.dequeue()
            if task is None:
                return
            huey.execute(task)

    workers = [threading.Thread(target=drain, args=(huey,)) for huey in hueys]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    done.set()
    total = int(runs.get(counter) or 0)
    for key in runs.scan_iter(f"{name}:*"):
        runs.delete(key)
    hueys[0].flush()
    return {"runs": total, "minutes": len({when.strftime("%H:%M") for when in MINUTES})}


def test_each_period_runs_once_with_two_consumers():
    result = _run_two_consumers(OncePerPeriodRedisHuey)
    assert result == {"runs": 3, "minutes": 3}


def test_without_the_claim_two_consumers_run_a_period_twice():
    """The control: huey's own RedisHuey queues the task from both schedulers."""
    result = _run_two_consumers(RedisHuey)
    assert result["runs"] > result["minutes"]
