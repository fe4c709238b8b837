"""API tokens: create (the key is returned once), revoke, authenticate. Each change is audited."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from thidua.core import audit
from thidua.core.models import ApiToken, hash_token_key

# last_used is written at most this often per token, so busy integrations do not write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@transaction.atomic
def create_token(user, name: str, *, actor=None) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns (token, key). Only the key's SHA-256 is stored."""
    name = (name or "").strip()
    if not name:
        raise ValueError("A token needs a name (what the integration is).")
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(user=user, name=name[:100], key_hash=hash_token_key(key), key_prefix=key[:10])
    audit.record("create", token, after={"user": user.username, "name": token.name, "key_prefix": token.key_prefix},
                 user=actor)
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, actor=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=token.revoked_at)
        audit.record("change", token, before={"revoked_at": None},
                     after={"revoked_at": token.revoked_at.isoformat()}, user=actor)
    return token


def authenticate_key(key: str) -> ApiToken | None:
    """The active token with this key (and an active user), or None. Marks it used."""
    if not key:
        return None
    token = (ApiToken.objects.select_related("user").filter(key_hash=hash_token_key(key)).first())
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token
