"""Background jobs with progress: one runner used by the huey queue (pages) and the CLI (progress bar).

A job function has the signature ``fn(*, progress: Progress, **kwargs) -> dict`` and returns the
result shown on the job page. It is known by its kind: core's own in :data:`CORE_JOBS`, a program's
in the ``jobs`` hook of its ``ProgramConfig``. Pages enqueue it with :func:`job_enqueue`; the CLI
calls :func:`job_run_inline` with a tqdm bar. Either way the same function does the work.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, Protocol

from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string
from huey.contrib.djhuey import db_task

from countyworks.core.models import Job
from countyworks.core.programs import installed_programs

logger = logging.getLogger(__name__)


class Progress(Protocol):
    def __call__(self, done: int, total: int | None = None) -> None: ...


#: Core's own job functions, by kind.
CORE_JOBS: dict[str, str] = {"import": "countyworks.core.import_jobs.run_staged_import"}


class UnknownJob(LookupError):
    """No core job and no installed program's job has this kind."""


def _resolve(kind: str) -> Callable[..., dict[str, Any]]:
    if kind in CORE_JOBS:
        return import_string(CORE_JOBS[kind])
    for config in installed_programs():
        jobs = config.hook("jobs")
        if kind in jobs:
            return jobs[kind]
    raise UnknownJob(f"no job of kind {kind!r}")


def job_create(*, kind: str, title: str, user=None, region_id: str | None = None, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, title=title, created_by=user, region_id=region_id, total=total)


def _job_progress(job_id: int) -> Progress:
    last = {"done": -1}

    def progress(done: int, total: int | None = None) -> None:
        # Throttle writes: at most ~100 updates per job.
        fields: dict[str, int] = {"done": done}
        if total is not None:
            fields["total"] = total
        step = max(1, (total or 0) // 100)
        if total is not None or done - last["done"] >= step:
            Job.objects.filter(pk=job_id).update(**fields)
            last["done"] = done

    return progress


@db_task()
def run_job(job_id: int, kind: str, kwargs: dict[str, Any]) -> None:
    """Huey task: run the job function of ``kind`` with ``kwargs``, recording status, progress and result."""
    if (
        not connection.in_atomic_block
    ):  # a consumer thread: drop a stale connection; eager mode: keep the caller's
        close_old_connections()
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING)
    try:
        result = _resolve(kind)(progress=_job_progress(job_id), **kwargs)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            message=f"{exc}\n\n{traceback.format_exc(limit=3)}",
            finished_at=timezone.now(),
        )
        return
    job = Job.objects.get(pk=job_id)
    job.status = Job.Status.DONE
    job.result = result or {}
    job.done = job.total or job.done
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "done", "finished_at"])


def job_enqueue(job: Job, kind: str, /, **kwargs: Any) -> Job:
    """Queue the job function of ``kind`` for ``job`` (runs immediately in tests, in-process in the demo)."""
    run_job(job.pk, kind, kwargs)
    return job


def job_run_inline(kind: str, /, *, description: str, **kwargs: Any) -> dict[str, Any]:
    """Run a job function in this process with a progress bar on stderr (CLI)."""
    from tqdm import tqdm

    bar = tqdm(desc=description, unit="行", disable=None, leave=False)

    def progress(done: int, total: int | None = None) -> None:
        if total is not None:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        return _resolve(kind)(progress=progress, **kwargs)
    finally:
        bar.close()
