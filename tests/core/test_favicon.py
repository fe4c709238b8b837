"""Every page names an icon, and /favicon.ico (asked for by browsers regardless) leads to it: no 404 per page."""

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.integration


@pytest.mark.django_db
def test_pages_link_an_icon_that_exists(client, province_officer):
    page = province_officer.get("/").content.decode()
    assert 'rel="icon"' in page and "thidua/favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("thidua/favicon.svg")
    path = finders.find("thidua/favicon.svg")
    assert path and open(path).read().startswith("<svg")
