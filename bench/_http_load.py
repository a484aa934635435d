"""Concurrent page load for the page benchmarks: U client threads, each with its own session cookie,
requesting a list of paths through the network against a WSGI server in the same process.

A copy (with per-path cookies, status checks and per-page timings) of ``_load`` in
bench_indicators_province.py, which is left as it is; its ``_serve`` is reused unchanged.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    """One page a simulated user opens: a label for the summary, the path, the session cookie."""

    label: str
    path: str
    cookie: str


def load(
    base: str, requests: list[Request], users: int, rounds: int, think: float = 0.0
) -> dict[str, list[float]]:
    """``users`` threads each open every request ``rounds`` times, one after the other; seconds per label.

    ``think``: the mean pause of a user between two pages, drawn uniformly from 0.5–1.5 × ``think``
    seconds (Locust's ``between``), after an arrival spread over the first ``think`` seconds; 0 —
    every user starts at once and asks again at once (the server saturated).

    A response other than 200 at the requested address (an error, a redirect to the login page) aborts
    the run: a timing of the wrong page is no timing.
    """
    timings: dict[str, list[float]] = {r.label: [] for r in requests}
    lock = threading.Lock()
    errors: list[str] = []

    def user(offset: int) -> None:
        openers: dict[str, urllib.request.OpenerDirector] = {}
        pause = random.Random(offset)
        if think:
            time.sleep(pause.uniform(0, think))  # users arrive one by one, not in one burst
        for _ in range(rounds):
            # Each user starts at a different page, so the pages are loaded side by side.
            for i in range(len(requests)):
                request = requests[(i + offset) % len(requests)]
                opener = openers.get(request.cookie)
                if opener is None:
                    opener = openers[request.cookie] = urllib.request.build_opener()
                    opener.addheaders = [("Cookie", request.cookie)]
                started = time.perf_counter()
                try:
                    with opener.open(base + request.path) as response:
                        response.read()
                        status, url = response.status, response.url
                except Exception as exc:  # noqa: BLE001 - reported after the run
                    with lock:
                        errors.append(f"{request.path}: {exc}")
                    return
                elapsed = time.perf_counter() - started
                with lock:
                    if status != 200 or url != base + request.path:
                        errors.append(f"{request.path}: status {status} at {url}")
                    timings[request.label].append(elapsed)
                if think:
                    time.sleep(think * pause.uniform(0.5, 1.5))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("page load failed: " + "; ".join(sorted(set(errors))[:5]))
    return timings


def p95_ms(samples: list[float]) -> float:
    """The 95th percentile in milliseconds (exclusive method, as the other page benchmarks)."""
    return statistics.quantiles(samples, n=20)[-1] * 1000


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000
