"""Receivers of Django's own signals (authentication only; domain logic never uses signals)."""
from thidua.core import audit


def audit_login(sender, request, user, **kwargs) -> None:
    audit.record("login", user, user=user, request=request)
