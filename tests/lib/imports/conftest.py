import pytest


@pytest.fixture(autouse=True)
def import_store(settings, tmp_path):
    """Uploads go to a per-test directory."""
    settings.THIDUA_IMPORT_DIR = tmp_path / "imports"
    return settings.THIDUA_IMPORT_DIR


@pytest.fixture
def immediate_jobs(settings, tmp_path):
    """Background jobs run inside enqueue (the Django Tasks immediate backend); files go to a per-test media root."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    settings.THIDUA_TASKS_QUEUE = "default"
    settings.MEDIA_ROOT = tmp_path / "media"
