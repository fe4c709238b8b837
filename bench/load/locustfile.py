"""Locust scenario for `make load` (bench/load/run.sh): staff browsing with a session, and an integration on
the API with a token. Run only against 127.0.0.1 (run.sh starts the production server there).

- StaffUser (session): logs in through the login form as one of the demo accounts (Central Board, the Cao Bằng
  and Lai Châu offices, the auditor, the unit officer; password thidua2018), then browses the cluster dashboard
  /cum/<id>/, the registry /khen-thuong/ (filters, diacritic-free search, pages, sorting) and organisation pages.
- ApiClient (token from LOAD_API_TOKEN, the Central Board's scope): /api/v1/cluster-years/<id>/summary and
  /api/v1/awards/ with pages, filters and search.

Request names group URLs by endpoint (ids and query strings collapsed), so the report has one line per endpoint.

The users are FastHttpUser (geventhttpclient): the load generator shares the 2 cores with the server and the
database, and locust's default client (requests) spent several times more CPU per request.
"""

import os
import random
import re

from locust import FastHttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "thidua2018")
ACCOUNTS = ["trunguong", "caobang", "laichau", "kiemtra", "donvi"]
SEARCHES = ["nguyen van", "tran thi", "cao bang", "le", "hoang minh", "pham"]
SORTS = ["year", "-year", "name", "-name", "type", "-date"]
LEVELS = ["state", "provincial", "grassroots"]


class StaffUser(FastHttpUser):
    weight = 4
    wait_time = between(1, 3)
    default_headers = {"User-Agent": "thidua-locust"}

    def on_start(self):
        username = random.choice(ACCOUNTS)
        page = self.client.get("/dang-nhap/", name="/dang-nhap/ [GET]")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        with self.client.post("/dang-nhap/", name="/dang-nhap/ [POST]", allow_redirects=False,
                              data={"username": username, "password": PASSWORD,
                                    "csrfmiddlewaretoken": token.group(1) if token else ""},
                              catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"login of {username} answered {response.status_code}")
        years = self.client.get("/api/v1/cluster-years/", name="/api/v1/cluster-years/ [session]").json()
        self.cluster_years = [cy["id"] for cy in years.get("results", [])]
        orgs = self.client.get("/don-vi/", name="/don-vi/").text
        self.org_ids = sorted(set(re.findall(r'href="/don-vi/(\d+)/"', orgs)))

    @task(4)
    def dashboard(self):
        if self.cluster_years:
            self.client.get(f"/cum/{random.choice(self.cluster_years)}/", name="/cum/<id>/")
        else:
            self.client.get("/", name="/")

    @task(1)
    def home(self):
        self.client.get("/", name="/")

    @task(3)
    def registry(self):
        self.client.get("/khen-thuong/", name="/khen-thuong/")

    @task(3)
    def registry_filtered(self):
        params = {"year": random.randint(2015, 2024), "level": random.choice(LEVELS), "sort": random.choice(SORTS)}
        if random.random() < 0.5:
            params["kind"] = random.choice(["individual", "collective"])
        self.client.get("/khen-thuong/", params=params, name="/khen-thuong/?filters")

    @task(3)
    def registry_search(self):
        page = self.client.get("/khen-thuong/", params={"q": random.choice(SEARCHES)}, name="/khen-thuong/?q=")
        following = re.search(r'rel="next" href="([^"]+)"', page.text)
        if following and random.random() < 0.5:  # the next page, by its cursor link
            self.client.get("/khen-thuong/" + following.group(1).replace("&amp;", "&"), name="/khen-thuong/?cursor=")

    @task(1)
    def registry_cluster_figure(self):
        if self.cluster_years:
            self.client.get("/khen-thuong/", params={"cluster_year": random.choice(self.cluster_years)},
                            name="/khen-thuong/?cluster_year=")

    @task(1)
    def organisations(self):
        self.client.get("/don-vi/", name="/don-vi/")

    @task(2)
    def organisation(self):
        if self.org_ids:
            self.client.get(f"/don-vi/{random.choice(self.org_ids)}/", name="/don-vi/<id>/")


class ApiClient(FastHttpUser):
    """An integration with the Central Board's token (national scope)."""

    weight = 1
    wait_time = between(0.5, 2)
    default_headers = {"User-Agent": "thidua-locust-api"}
    token_variable = "LOAD_API_TOKEN"
    role = ""  # request names carry the role, so the report has a line per role and endpoint

    def on_start(self):
        self.client.auth_header = f"Token {os.environ[self.token_variable]}"
        years = self.client.get("/api/v1/cluster-years/", name=self.role + "/api/v1/cluster-years/").json()
        self.cluster_years = [cy["id"] for cy in years["results"]]
        self.next_url = None

    @task(3)
    def summary(self):
        if self.cluster_years:
            self.client.get(f"/api/v1/cluster-years/{random.choice(self.cluster_years)}/summary",
                            name=self.role + "/api/v1/cluster-years/<id>/summary")

    @task(3)
    def awards(self):
        """Walk the registry page by page along the `next` cursor links, now and then starting again."""
        if self.next_url and random.random() < 0.9:
            response = self.client.get(self.next_url, name=self.role + "/api/v1/awards/?cursor=")
        else:
            response = self.client.get("/api/v1/awards/", name=self.role + "/api/v1/awards/")
        self.next_url = response.json().get("next") if response.ok else None

    @task(2)
    def awards_filtered(self):
        params = {"year": random.randint(2015, 2024), "level": random.choice(LEVELS)}
        if random.random() < 0.5:
            params["q"] = random.choice(SEARCHES)
        self.client.get("/api/v1/awards/", params=params, name=self.role + "/api/v1/awards/?filters")


class ProvinceApiClient(ApiClient):
    """The same integration with a provincial office's token (Cao Bằng), when run.sh provides one."""

    token_variable = "LOAD_PROVINCE_TOKEN"
    role = "[tỉnh] "
