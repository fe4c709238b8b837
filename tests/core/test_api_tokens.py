"""API tokens: several per user, revocable, only a hash stored, scoped like the user; the `thidua token` command."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.conftest import user
from thidua.core.models import ApiToken, AuditEvent, hash_token_key
from thidua.core.tokens import create_token, revoke_token

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def api(key, url="/api/v1/cluster-years/"):
    return Client().get(url, HTTP_AUTHORIZATION=f"Token {key}")


def test_token_works_and_is_scoped_like_its_user(cluster_year_2018):
    _, key = create_token(user("caobang"), "báo cáo tỉnh")
    response = api(key)
    assert response.status_code == 200 and response.json()["count"] >= 1
    assert api(key, f"/api/v1/cluster-years/{cluster_year_2018.pk}/summary").status_code == 200
    from django.contrib.auth import get_user_model

    from thidua.emulation.models import ClusterYear
    from thidua.orgs.models import Organization, OrganizationKind, Role, UserRole

    outsider = get_user_model().objects.create_user("hanoi_api")
    UserRole.objects.create(user=outsider, role=Role.EMULATION_OFFICE,
                            organization=Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="01"))
    _, outsider_key = create_token(outsider, "tích hợp")
    # Hà Nội sees its own cluster's years (the national demo), never the reference cluster's.
    seen = {row["id"] for row in api(outsider_key).json()["results"]}
    assert cluster_year_2018.pk not in seen
    assert len(seen) == ClusterYear.objects.filter(members__admin_code="01").count()
    assert api(outsider_key, f"/api/v1/cluster-years/{cluster_year_2018.pk}/summary").status_code == 404
    assert api(outsider_key, "/api/v1/awards/").json()["count"] == 0


def test_only_the_hash_is_stored_and_last_use_is_recorded():
    token, key = create_token(user("caobang"), "kho dữ liệu")
    assert key.startswith("td_") and len(key) > 40
    assert token.key_hash == hash_token_key(key) and key not in token.key_hash
    assert token.key_prefix == key[:10]
    assert token.last_used is None
    api(key)
    token.refresh_from_db()
    assert token.last_used is not None


def test_revoked_wrong_and_malformed_tokens_get_401():
    token, key = create_token(user("caobang"), "tạm thời")
    other, other_key = create_token(user("caobang"), "khác")
    revoke_token(token)
    response = api(key)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert api(other_key).status_code == 200  # one revocation leaves the user's other tokens working
    assert api("td_" + "x" * 43).status_code == 401
    assert Client().get("/api/v1/cluster-years/", HTTP_AUTHORIZATION="Token").status_code == 401
    assert Client().get("/api/v1/cluster-years/", HTTP_AUTHORIZATION="Token a b").status_code == 401


def test_inactive_user_token_is_refused():
    _, key = create_token(user("laichau"), "x")
    u = user("laichau")
    u.is_active = False
    u.save()
    assert api(key).status_code == 401


def test_token_changes_are_audited():
    token, _ = create_token(user("caobang"), "audit")
    revoke_token(token)
    rows = AuditEvent.objects.filter(object_type="core.apitoken", object_id=str(token.pk))
    assert set(rows.values_list("action", flat=True)) == {"create", "change"}
    assert all("td_" not in str(r.after) or r.after.get("key_prefix") for r in rows)


def test_token_command_create_list_revoke():
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "trunguong", "cổng dữ liệu", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert key.startswith("td_") and "cannot be shown again" in err.getvalue()
    assert api(key).status_code == 200
    token = ApiToken.objects.get(key_hash=hash_token_key(key))
    out = io.StringIO()
    call_command("token", "list", "trunguong", stdout=out)
    assert f"{token.pk}\ttrunguong\tcổng dữ liệu\t{key[:10]}…\tactive" in out.getvalue()
    assert key not in out.getvalue()
    out = io.StringIO()
    call_command("token", "revoke", str(token.pk), stdout=out)
    assert "is now revoked" in out.getvalue()
    assert api(key).status_code == 401
    with pytest.raises(CommandError):
        call_command("token", "create", "khong-co", "x")
    with pytest.raises(CommandError):
        call_command("token", "revoke", "999999")


def test_schema_documents_token_auth(province_officer):
    body = province_officer.get("/api/v1/schema/").content.decode()
    assert "tokenAuth" in body
