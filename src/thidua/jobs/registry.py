"""The kinds of job: an upper app registers what it runs in the background, from its AppConfig.ready():

    from thidua.jobs.registry import JobOutput, register

    @register("eligibility.check", _("Xét điều kiện"))
    def run_check(ctx):                      # ctx: JobContext (job, params, progress)
        for done, chunk in enumerate(...):
            ctx.progress(done, total)        # also the moment a cancel request stops the work
        return JobOutput(content=xlsx_bytes, filename="xet-dieu-kien.xlsx", message="12 người đủ điều kiện")

A kind raises `JobFailed("…")` with a Vietnamese message for an expected failure (the user reads it as is); any
other exception fails the job with a generic message, the details kept for administrators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class JobFailed(Exception):
    """An expected failure: `message` is shown to the user as it is (Vietnamese, says what and why)."""

    def __init__(self, message: str, data: dict | None = None):
        super().__init__(message)
        self.message = message
        self.data = data  # what the job page shows about the failure (e.g. an import's errors by row)


class JobCancelled(Exception):
    """Raised inside the work by `JobContext.progress` once the user asked to cancel."""


@dataclass
class JobOutput:
    """What a finished job leaves: a file to download (optional) and a line for the user."""

    content: bytes | None = None
    filename: str = ""
    message: str = ""
    data: dict | None = None  # JSON for the page that shows the result; "url": that page (a path)


@dataclass(frozen=True)
class JobKind:
    name: str
    label: Any  # a (lazy) translated label
    run: Callable[..., JobOutput | None]


_kinds: dict[str, JobKind] = {}


def register(name: str, label) -> Callable:
    def decorate(func: Callable[..., JobOutput | None]) -> Callable[..., JobOutput | None]:
        _kinds[name] = JobKind(name, label, func)
        return func

    return decorate


def get(name: str) -> JobKind | None:
    return _kinds.get(name)


def names() -> list[str]:
    return sorted(_kinds)
