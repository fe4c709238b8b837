import pytest

from thidua.emulation.statistics import cluster_year_summary

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_summary_returns_every_dashboard_figure(province_officer, cluster_year_2018):
    data = province_officer.get(f"/api/v1/cluster-years/{cluster_year_2018.pk}/summary").json()
    assert data == cluster_year_summary(cluster_year_2018).as_dict()
    budget = next(i for i in data["indicators"] if i["code"] == "THU_NSNN")
    assert budget["actual"] == 26174 and round(budget["percent_of_plan"], 1) == 104.3
    assert len(budget["members"]) == 7
    assert sum(m["actual"] for m in budget["members"]) == 26174
    assert all(m["percent_of_plan"] == pytest.approx(m["actual"] * 100 / m["planned"]) for m in budget["members"])
    state = data["commendations"]["state"]
    assert (state["collectives"], state["individuals"], state["priority"]) == (180, 567, 392)
    assert round(state["priority_share"], 2) == 52.48
    assert data["next_year"]["chair"] == "Lai Châu" and data["flag_handover"]["to"] == "Lai Châu"


def test_awards_endpoint_uses_the_registry_filters(province_officer, cluster_year_2018):
    data = province_officer.get("/api/v1/awards/", {"cluster_year": cluster_year_2018.pk, "level": "state",
                                                    "priority": "on"}).json()
    assert data["count"] == 392 and len(data["results"]) == 50
    assert {r["recipient_class"] for r in data["results"]} <= {"small_collective", "direct_worker"}


def test_schema_and_offline_docs(province_officer):
    schema = province_officer.get("/api/v1/schema/")
    assert schema.status_code == 200
    body = schema.content.decode()
    assert "/api/v1/cluster-years/{id}/summary" in body and "priority_share" in body
    docs = province_officer.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_schema_is_generated_once_per_language(province_officer, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiYamlRenderer

    from thidua.api.schema_view import SchemaView

    monkeypatch.setattr(SchemaView, "_generated", {})
    generated, real = [], SchemaGenerator.get_schema
    monkeypatch.setattr(SchemaGenerator, "get_schema", lambda self, **kw: generated.append(1) or real(self, **kw))
    rendered, real_render = [], OpenApiYamlRenderer.render
    monkeypatch.setattr(OpenApiYamlRenderer, "render", lambda self, *a, **kw: rendered.append(1) or real_render(self, *a, **kw))
    first = province_officer.get("/api/v1/schema/")
    again = province_officer.get("/api/v1/schema/")
    assert again.content == first.content and len(generated) == 1 and len(rendered) == 1  # rendered once too
    assert again["Content-Type"] == first["Content-Type"] and "openapi" in again["Content-Type"]
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert province_officer.get("/api/v1/schema/?format=json").json()["paths"] and len(generated) == 1
    province_officer.cookies["django_language"] = "en"
    english = province_officer.get("/api/v1/schema/")
    assert english.status_code == 200 and len(generated) == 2 and len(rendered) == 2


def test_schema_generates_without_warnings(tmp_path):
    """drf-spectacular must describe every endpoint exactly (the API fuzzer trusts it)."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/eligibility" in (tmp_path / "schema.yml").read_text()


def test_eligibility_input_strings_are_strings(province_officer):
    """The schema says a subject id is a string: a number is refused, not turned into "0"."""
    body = {"year": 1990, "subjects": [{"id": 0, "kind": "individual", "name": "0", "years": {}, "holds": []}],
            "awards": []}
    response = province_officer.post("/api/v1/eligibility", body, content_type="application/json")
    assert response.status_code == 400 and "'id'" in str(response.json()["subjects"])
    body["subjects"][0]["id"] = "0"
    assert province_officer.post("/api/v1/eligibility", body, content_type="application/json").status_code == 200
