"""The full 2019 cluster year through the API, from opening to the opening of 2020, with the refusals of
each step for the personas that may not take it (nothing changes on refusal)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import _client_for
from thidua.emulation.models import ClusterYear, FlagHandover, Proposal, Score, VoteKind, VoteParticipation

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

USERS = {"Hà Giang": "hagiang", "Cao Bằng": "caobang", "Lạng Sơn": "langson", "Lào Cai": "laocai",
         "Lai Châu": "laichau", "Điện Biên": "dienbien", "Sơn La": "sonla"}


class Api:
    def __init__(self):
        self.clients = {}

    def __call__(self, username):
        if username not in self.clients:
            self.clients[username] = _client_for(username) if username != "anonymous" else __import__(
                "django.test").test.Client()
        return self.clients[username]

    def post(self, username, url, body=None, status=201):
        response = self(username).post(url, body or {}, content_type="application/json")
        assert response.status_code == status, (username, url, response.status_code, response.content[:400])
        return response.json() if response.content else None

    def get(self, username, url, status=200):
        response = self(username).get(url)
        assert response.status_code == status, (username, url, response.status_code)
        return response.json() if status == 200 else None


def test_full_year_through_the_api():
    api = Api()
    cy = ClusterYear.objects.get(year=2019)
    members = {m.name: m.pk for m in cy.members.all()}
    base = f"/api/v1/cluster-years/{cy.pk}"
    outsider_refusals = {"anonymous": (401, 403), "donvi": (404,), "hoidong": (403,), "caobang": (403,)}

    def refused(url, body, who=outsider_refusals):
        for username, codes in who.items():
            r = api(username).post(url, body, content_type="application/json")
            assert r.status_code in codes, (username, url, r.status_code, r.content[:300])

    # 1. Open (chair Lai Châu), copying the 2018 framework; a member (Cao Bằng) may not.
    body = {"theme": "Đoàn kết, đổi mới, thi đua hoàn thành thắng lợi nhiệm vụ năm 2019", "opened_on": "2019-03-25",
            "copy_framework": True, "milestones": {"pact": "2019-03-31", "vote": "2020-03-20"}}
    refused(f"{base}/open", body)
    api.post("laichau", f"{base}/open", body)
    api.post("laichau", f"{base}/open", body, status=409)  # opened once
    run = api.get("sonla", f"{base}/run")
    assert run["timeline"][0]["done"] and not run["timeline"][1]["done"] and run["roles"]["chair"] is False
    assert api.get("laichau", f"{base}/run")["roles"]["chair"] is True
    framework = api.get("laichau", f"{base}/criteria")
    assert [c["code"] for c in framework["criteria"]][:2] == ["A", "A1"] and framework["max_total"] == 100
    hand = [c["code"] for c in framework["criteria"] if c["kind"] in ("manual", "bonus", "penalty")]
    indicators = sorted(ind.code for ind in cy.indicators.all())
    assert "THU_NSNN" in indicators

    # 2. Registration and pact: each member for itself only.
    refused(f"{base}/registrations", {"member": members["Sơn La"], "plans": {"THU_NSNN": 10}},
            {"laocai": (403,), "anonymous": (401, 403), "donvi": (404,)})
    for i, (name, username) in enumerate(USERS.items()):
        api.post(username, f"{base}/registrations", {"member": members[name], "plans": {c: 100 + i for c in indicators},
                                                    "titles": ["CO_CP"]})
    # The pact of 2019 was signed at the 2018 conference (scenario); a second signature is refused.
    api.post("sonla", f"{base}/pact/signatures", {"member": members["Sơn La"], "signatory": "X", "position": "Y",
                                                  "signed_on": "2019-03-26"}, status=409)

    # 3. Results: year-end values; % of plan from the statistics; who has not reported.
    for i, (name, username) in enumerate(USERS.items()):
        if name == "Điện Biên":
            continue
        for code in indicators:
            api.post(username, f"{base}/results", {"member": members[name], "indicator": code, "period": "year_end",
                                                   "value": 100 + i + (10 if name == "Lai Châu" else 0)})
    assert api.get("laichau", f"{base}/run")["not_reported"] == ["Điện Biên"]
    for code in indicators:
        api.post("dienbien", f"{base}/results", {"member": members["Điện Biên"], "indicator": code,
                                                 "period": "year_end", "value": 90})
    api.post("dienbien", f"{base}/results", {"member": members["Điện Biên"], "indicator": "NOPE",
                                             "period": "year_end", "value": 1}, status=409)

    # 4. Scoring: self, assignment (chair only), cross, lock.
    for name, username in USERS.items():
        for code in hand:
            api.post(username, f"{base}/scores", {"member": members[name], "criterion": code, "round": "self",
                                                  "points": 1 if code == "D" else 4})
    refused(f"{base}/cross-assignments", {}, {"sonla": (403,), "anonymous": (401, 403)})
    pairs = api.post("laichau", f"{base}/cross-assignments", {})["pairs"]
    assert len(pairs) == 14 and all(s != m for s, m in pairs)
    names = {v: k for k, v in members.items()}
    for scorer, member in pairs:
        for code in hand:
            points = 0 if code == "D" else (5 if names[member] == "Lai Châu" else 3)
            api.post(USERS[names[scorer]], f"{base}/scores", {"member": member, "criterion": code, "round": "cross",
                                                              "points": points})
    # Scoring somebody one was not assigned to is refused.
    not_assigned = next(m for m in members.values() if [members["Sơn La"], m] not in pairs and m != members["Sơn La"])
    api.post("sonla", f"{base}/scores", {"member": not_assigned, "criterion": "B1", "round": "cross", "points": 1},
             status=403)
    refused(f"{base}/lock", {}, {"sonla": (403,), "anonymous": (401, 403)})
    locked = api.post("laichau", f"{base}/lock", {})
    assert locked["ranking"][0]["member"] == "Lai Châu" and locked["ranking"][0]["rank"] == 1
    n_scores = Score.objects.count()
    api.post("sonla", f"{base}/scores", {"member": members["Sơn La"], "criterion": "B1", "round": "self",
                                         "points": 2}, status=409)
    assert Score.objects.count() == n_scores

    # 5. Votes at the review conference.
    api.post("laichau", f"{base}/review-conference", {"title": "Hội nghị tổng kết năm 2019", "held_on": "2020-03-20",
                                                      "place": "Lai Châu"})
    now = timezone.now()
    window = {"opens_at": (now - timedelta(minutes=1)).isoformat(), "closes_at": (now + timedelta(hours=1)).isoformat()}

    def vote(kind, candidates, ballots, seats=1):
        session = api.post("laichau", f"{base}/votes", {"kind": kind, "candidates": [members[c] for c in candidates],
                                                        "seats": seats, **window})
        url = f"/api/v1/votes/{session['id']}"
        for voter, choice in ballots.items():
            api.post(USERS[voter], f"{url}/ballots", {"member": members[voter], "choices": [members[c] for c in choice]})
        seen = api.get("hoidong", url)
        assert "tally" not in seen and seen["ballots_cast"] == len(ballots)  # hidden until closed
        api.post(USERS[next(iter(ballots))], f"{url}/ballots", {"member": members[next(iter(ballots))],
                                                                "choices": []}, status=409)  # second ballot
        refused(f"{url}/close", {}, {"sonla": (403,), "anonymous": (401, 403)})
        closed = api.post("laichau", f"{url}/close", {})
        return closed["tally"]

    everyone = list(USERS)
    flag = vote(VoteKind.FLAG, ["Lai Châu", "Sơn La"], {v: ["Lai Châu"] for v in everyone})
    assert flag["elected"] == ["Lai Châu"] and flag["threshold_votes"] == 4
    chair = vote(VoteKind.CHAIR, ["Sơn La", "Điện Biên"],
                 {v: ["Sơn La"] for v in everyone[:5]} | {"Điện Biên": ["Điện Biên"], "Sơn La": ["Điện Biên"]})
    assert chair["elected"] == ["Sơn La"]
    nxt = ClusterYear.objects.get(cluster=cy.cluster, year=2020)
    assert nxt.chair.name == "Sơn La" and set(nxt.members.all()) == set(cy.members.all())
    deputy = vote(VoteKind.DEPUTY, ["Điện Biên", "Hà Giang"], {v: ["Điện Biên"] for v in everyone})
    assert deputy["elected"] == ["Điện Biên"]
    assert Proposal.objects.get(cluster_year=cy).organization.name == "Lai Châu"
    # Secrecy: participations name members, nothing names a choice.
    assert VoteParticipation.objects.filter(session__cluster_year=cy).count() == 21

    # 6. Handover; then the new chair (Sơn La) opens 2020 through the API.
    refused(f"{base}/handover", {"handed_on": "2020-03-20"}, {"sonla": (403,), "anonymous": (401, 403)})
    h = api.post("laichau", f"{base}/handover", {"handed_on": "2020-03-20", "handed_by": "Chủ tịch UBND tỉnh Lai Châu"})
    assert (h["from"], h["to"]) == ("Lai Châu", "Sơn La") and FlagHandover.objects.filter(to_org__name="Sơn La").exists()
    api.post("sonla", f"/api/v1/cluster-years/{nxt.pk}/open", {"theme": "Năm 2020", "opened_on": "2020-03-25",
                                                               "copy_framework": True})
    timeline = api.get("laichau", f"{base}/run")["timeline"]
    assert {t["step"]: t["done"] for t in timeline} == {
        "open": True, "register": True, "pact": True, "mid_year": False, "year_end": True, "self_score": True,
        "cross_score": True, "lock": True, "vote": True, "handover": True}


def test_bad_bodies_are_refused_with_field_messages():
    api = Api()
    cy = ClusterYear.objects.get(year=2018, cluster__code="C1-MNBG")
    base = f"/api/v1/cluster-years/{cy.pk}"
    r = api("caobang").post(f"{base}/scores", {"member": 0, "criterion": "B1", "round": "nope", "points": -1},
                            content_type="application/json")
    assert r.status_code == 400 and set(r.json()) >= {"member", "round", "points"}
    r = api("caobang").post(f"{base}/votes", {"kind": "certificate", "candidates": [], "opens_at": "x"},
                            content_type="application/json")
    assert r.status_code == 400 and set(r.json()) >= {"candidates", "opens_at", "closes_at"}
    # Outside the user's clusters: 404 whatever the body.
    r = api("donvi").get(f"{base}/scores")
    assert r.status_code == 404
