import pytest

from thidua.jobs.registry import JobFailed, JobOutput, register

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def immediate(settings):
    """Jobs run inside enqueue (the Django Tasks immediate backend), as in development without a worker. Through
    pytest-django's `settings` (not override_settings): overrides from both, interleaved, would not unwind in order
    and the backend would outlive the test."""
    settings.TASKS = IMMEDIATE
    settings.THIDUA_TASKS_QUEUE = "default"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# Kinds used by the tests only (registered when this conftest is imported; a worker process never sees them).
@register("tests.boom", "test: unexpected error")
def boom(ctx):
    ctx.progress(1, 4)
    raise ZeroDivisionError("division by zero in step 2")


@register("tests.refuse", "test: expected failure")
def refuse(ctx):
    raise JobFailed("Đơn vị “Cao Bằng” không có dữ liệu năm 2031.")


@register("tests.steps", "test: steps")
def steps(ctx):
    for i in range(3):
        ctx.progress(i, 3)
    return JobOutput(content=b"abc", filename="kết quả.txt", message="ba bước")
