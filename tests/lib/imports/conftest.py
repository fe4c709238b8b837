import pytest


@pytest.fixture(autouse=True)
def import_store(settings, tmp_path):
    """Uploads go to a per-test directory."""
    settings.THIDUA_IMPORT_DIR = tmp_path / "imports"
    return settings.THIDUA_IMPORT_DIR
