"""Access matrix for every page and API endpoint of the foundation.

Personas: anonymous, province officer (Cao Bằng, 2018 chair), another member province's
officer (Lai Châu), an outsider province's officer (Hà Nội, not in the cluster), a unit
officer, the Central Board, a council member, an auditor.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from thidua.awards.models import Award
from thidua.orgs.models import Organization, OrganizationKind, Role, UserRole

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def outsider(db):
    user = get_user_model().objects.create_user("hanoi", password="x")
    ha_noi = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="01")
    UserRole.objects.create(user=user, organization=ha_noi, role=Role.EMULATION_OFFICE)
    client = Client()
    client.force_login(user)
    return client


def pages(cy):
    return [f"/cum/{cy.pk}/", f"/cum/{cy.pk}/chi-tieu/THU_NSNN/", f"/cum/{cy.pk}/dien-hinh/", "/", "/khen-thuong/",
            "/khen-thuong/export.xlsx", "/don-vi/", f"/don-vi/{cy.chair_id}/"]


def test_anonymous_is_sent_to_login_everywhere(client, cluster_year_2018):
    for url in pages(cluster_year_2018):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/dang-nhap/"), url
    for url in ["/api/v1/cluster-years/", f"/api/v1/cluster-years/{cluster_year_2018.pk}/summary", "/api/v1/awards/"]:
        assert client.get(url).status_code in (401, 403), url


@pytest.mark.parametrize("persona", ["province_officer", "other_province_officer", "central_board", "auditor",
                                     "council_member"])
def test_members_and_central_roles_see_the_dashboard(request, persona, cluster_year_2018):
    client = request.getfixturevalue(persona)
    assert client.get(f"/cum/{cluster_year_2018.pk}/").status_code == 200
    assert client.get(f"/api/v1/cluster-years/{cluster_year_2018.pk}/summary").status_code == 200


def test_outsider_gets_404_for_the_cluster(outsider, cluster_year_2018):
    for url in [f"/cum/{cluster_year_2018.pk}/", f"/cum/{cluster_year_2018.pk}/chi-tieu/THU_NSNN/",
                f"/cum/{cluster_year_2018.pk}/dien-hinh/", f"/api/v1/cluster-years/{cluster_year_2018.pk}/summary",
                f"/don-vi/{cluster_year_2018.chair_id}/"]:
        assert outsider.get(url).status_code == 404, url
    # The outsider's province sits in another cluster (the national demo): only that cluster's years are listed.
    listed = outsider.get("/cum/").context["cluster_years"]
    assert cluster_year_2018 not in listed and all(cy.cluster_id != cluster_year_2018.cluster_id for cy in listed)
    assert cluster_year_2018.pk not in {r["id"] for r in outsider.get("/api/v1/cluster-years/").json()["results"]}
    # Figures passed through the registry link do not leak either.
    response = outsider.get("/khen-thuong/", {"cluster_year": cluster_year_2018.pk})
    assert response.context["page"].count.value == 0


def test_registry_scope_per_persona(outsider, province_officer, unit_officer, central_board, settings):
    settings.THIDUA_EXACT_COUNT_LIMIT = 10**9  # exact counts (PostgreSQL estimates above the limit)
    cluster_awards = Award.objects.filter(province__admin_code__in=["02", "04", "20", "10", "12", "11", "14"],
                                          province__valid_from__isnull=True)
    assert central_board.get("/khen-thuong/").context["page"].count.value == Award.objects.count()
    # A member's office sees the decided awards of its cluster (they stand behind the shared figures).
    assert province_officer.get("/khen-thuong/").context["page"].count.value == cluster_awards.count()
    assert outsider.get("/khen-thuong/").context["page"].count.value == 0
    # A unit officer sees only the awards inside its own unit.
    dept = Organization.objects.get(user_roles__user__username="donvi")
    mine = Award.objects.filter(unit__path__startswith=dept.path).count()
    assert unit_officer.get("/khen-thuong/").context["page"].count.value == mine < cluster_awards.count()
    assert outsider.get("/api/v1/awards/").json()["count"] == 0


def test_organisation_pages_are_scoped(outsider, province_officer):
    cao_bang = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="04")
    ha_noi = Organization.objects.get(kind=OrganizationKind.PROVINCE, admin_code="01")
    assert province_officer.get(f"/don-vi/{cao_bang.pk}/").status_code == 200
    assert province_officer.get(f"/don-vi/{ha_noi.pk}/").status_code == 404
    assert outsider.get(f"/don-vi/{ha_noi.pk}/").status_code == 200


def test_admin_is_for_administrators_only(admin_client_demo, province_officer, central_board):
    assert admin_client_demo.get("/admin/awards/awardtype/").status_code == 200
    assert admin_client_demo.get("/admin/orgs/organization/").status_code == 200
    for client in (province_officer, central_board):
        assert client.get("/admin/awards/awardtype/").status_code == 302


def test_logout_requires_post_and_ends_the_session(province_officer):
    assert province_officer.post("/dang-xuat/").status_code == 302
    assert province_officer.get("/").status_code == 302
