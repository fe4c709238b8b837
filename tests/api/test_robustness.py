"""Hostile request bodies get a clear 400, never a 500 or an HTML page on the API, and change nothing."""

from __future__ import annotations

import json

import pytest

from thidua.orgs.models import Organization

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/"


@pytest.mark.integration
def test_deeply_nested_json_is_a_400_json(province_officer):
    province_officer.raise_request_exception = False
    before = Organization.objects.count()
    response = province_officer.post(URL, "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Dữ liệu JSON lồng nhau quá sâu, không đọc được."}
    assert Organization.objects.count() == before


@pytest.mark.integration
def test_an_oversized_body_on_the_api_is_a_400_json(province_officer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    before = Organization.objects.count()
    body = json.dumps({"name": "x" * (1024 * 1024)})
    response = province_officer.post(URL, body, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Nội dung yêu cầu quá lớn, vượt giới hạn 1 MB."}
    assert Organization.objects.count() == before


@pytest.mark.integration
def test_ordinary_bad_json_is_still_named_by_the_parser(province_officer):
    response = province_officer.post(URL, '{"name": ', content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


def test_a_refused_request_outside_the_api_gets_the_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post("/accounts/login/", {"username": "caobang", "password": "x" * 4096})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Yêu cầu không hợp lệ" in html and "vượt giới hạn 1 KB" in html


def test_the_400_handler_answers_json_on_the_api(rf):
    from django.core.exceptions import RequestDataTooBig

    from thidua.core.errors import bad_request

    response = bad_request(rf.post("/api/v1/people/"), RequestDataTooBig("too big"))
    assert response.status_code == 400 and json.loads(response.content)["detail"].startswith("Nội dung yêu cầu quá lớn")
