"""Refusals: the one way a service says no.

A service refuses by raising one of two exceptions, with a Vietnamese message that names what and why:
- `Forbidden` (a PermissionDenied): the user's role or scope does not allow it — pages and the API answer 403;
- `Conflict` (a ValidationError): a well-formed request the state or the data refuses (out of order, twice, a
  duplicate, already revoked, a failed check) — the API answers 409, pages show the message.
Plain PermissionDenied and ValidationError raised by Django or a form are read the same way (403, 409 from a
service; a form's own ValidationError stays a 400 in the API serializers).

A refusal of access leaves a "denied" audit row (who tried what, and why) and changes nothing:

    with refusals.service():            # or @refusals.service on the function: one transaction
        if not allowed:
            refusals.deny(user, obj, "Chỉ cụm trưởng … được làm việc này.")

`deny` raises at once. Outside a `service` block it writes the audit row itself (check first, write after); inside
one the row is written by the outermost block once its transaction has rolled back, so the refusal leaves the
audit row and nothing else. `message(exc)` is the one text of any refusal, for a page's message or an API body.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, NoReturn

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from thidua.core import audit

# How many `service` blocks enclose the current code (the outermost writes the pending denied rows).
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("thidua_refusal_depth", default=0)
DEFAULT_MESSAGE = "Không được phép."


class Forbidden(PermissionDenied):
    """403: the user's role or scope does not allow the action."""

    status = 403


class Conflict(ValidationError):
    """409: a well-formed request the current state or data refuses (nothing changed)."""

    status = 409


REFUSALS = (PermissionDenied, ValidationError)


def status_of(exc: Exception) -> int:
    """403 for a refusal of access, 409 for a refusal by the state or the data."""
    return 403 if isinstance(exc, PermissionDenied) else 409


def message(exc: Exception) -> str:
    """The text of a refusal: a ValidationError's messages (field messages included) joined, or the first argument."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(m for msgs in exc.message_dict.values() for m in msgs)
        return " ".join(exc.messages)
    return str(exc.args[0]) if exc.args else DEFAULT_MESSAGE


def show(request, exc: Exception) -> None:
    """A page's way to show a refusal: its message as a "danger" alert above the page it redirects to."""
    messages.error(request, message(exc), extra_tags="danger")


def _write_denied(exc: Exception) -> None:
    pending = getattr(exc, "_denied", None)
    if pending is None:
        return
    user, obj, what, reason = pending
    exc._denied = None
    audit.record("denied", obj, object_type=None if obj is not None else (what or None),
                 user=user if getattr(user, "pk", None) else None, reason=reason[:255])


def deny(user, obj, text: str, *, what: str = "", cls: type[Exception] = Forbidden, reason: str = "") -> NoReturn:
    """Refuse with a "denied" audit row on `obj` (or on the type `what` when there is no object yet). The row
    records `reason` (default: the message). Raises `cls(text)`."""
    exc = cls(text)
    exc._denied = (user, obj, what, str(reason or text))
    if _depth.get() == 0:
        _write_denied(exc)
    raise exc


def record_denial(exc: Exception) -> None:
    """Write the pending denied row of a refusal caught outside every `service` block (idempotent)."""
    _write_denied(exc)


@contextmanager
def _service_block(user=None, on=None):
    token = _depth.set(_depth.get() + 1)
    try:
        with transaction.atomic():
            yield
    except REFUSALS as exc:
        _depth.reset(token)
        token = None
        if user is not None and isinstance(exc, PermissionDenied) and not hasattr(exc, "_denied"):
            # A refusal of access raised by a rule that does not know the record (a role check): on `on`.
            exc._denied = (user, on, "", message(exc))
        if _depth.get() == 0:
            _write_denied(exc)
        raise
    finally:
        if token is not None:
            _depth.reset(token)


def service(fn: Callable | None = None, *, user=None, on=None):
    """One transaction; a refusal rolls everything back, then its denied row is written. As a decorator
    (`@service`) or a block (`with service():`). A block given `user` and `on` also records any other refusal of
    access raised inside it (PermissionDenied without a row of its own) as denied on `on`."""
    if fn is None:
        return _service_block(user, on)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any):
        with _service_block():
            return fn(*args, **kwargs)

    return wrapper
