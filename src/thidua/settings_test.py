"""Settings for the test suite: the ordinary settings (thidua.settings, driven by the environment), with a fast
password hasher. Argon2 is deliberately slow; the suite creates and logs in hundreds of accounts, so it hashes with
MD5 here. Hashes made by the other hashers still verify; tests/core/test_production.py checks that the real
settings hash with Argon2 and upgrade old hashes. Processes started by tests (`thidua serve`, workers, the
deploy check) set DJANGO_SETTINGS_MODULE=thidua.settings themselves."""

from thidua.settings import *  # noqa: F403
from thidua.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]

# PostgreSQL compiles a query to machine code (JIT) when its estimated cost is high, which the reference scenario's
# statistics queries reach. The suite runs each of them once or twice: the compile costs more than it saves (the
# suite on PostgreSQL: 78 → 70 core-seconds of the server's CPU without it). Results do not depend on it.
for _database in DATABASES.values():  # noqa: F405
    if _database["ENGINE"].endswith("postgresql"):
        _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
