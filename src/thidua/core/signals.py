"""Receivers of Django's own signals (authentication only; domain logic never uses signals)."""


def audit_login(sender, request, user, **kwargs) -> None:
    from thidua.core import audit

    audit.record("login", user, user=user, request=request)
