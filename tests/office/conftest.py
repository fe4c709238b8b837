from tests.nominations.conftest import cao_bang, dept, unit, users  # noqa: F401  (the nomination fixtures)
