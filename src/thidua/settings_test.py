"""Settings for the test suite: the ordinary settings (thidua.settings, driven by the environment), with a fast
password hasher. Argon2 is deliberately slow; the suite creates and logs in hundreds of accounts, so it hashes with
MD5 here. Hashes made by the other hashers still verify; tests/core/test_production.py checks that the real
settings hash with Argon2 and upgrade old hashes. Processes started by tests (`thidua serve`, workers, the
deploy check) set DJANGO_SETTINGS_MODULE=thidua.settings themselves."""

from thidua.settings import *  # noqa: F403
from thidua.settings import PASSWORD_HASHERS as PRODUCTION_PASSWORD_HASHERS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_PASSWORD_HASHERS]
