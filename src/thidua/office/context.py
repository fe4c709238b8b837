"""The menu's counts — work waiting ("Việc của tôi") and unread notifications — computed only when a page shows
them (the navigation of a logged-in user), by the same service as the home page.

The work list takes 10–15 queries, too many for every page: the menu's total is kept for a minute in the user's
session (loaded on every request anyway, and shared by every web process). The home page always computes the list
and refreshes it, and any write by the user (a POST) forgets it (WorkCountMiddleware), so what the user did shows at
once; what others did shows within a minute. The home page keeps a fresh kept total that it finds unchanged (no
session write on every visit). The unread count is one query and stays live."""

import time
from functools import cached_property

from thidua.notifications.services import unread_count
from thidua.office.worklist import work_list

TOTAL_TTL = 60  # seconds
KEY = "thidua_work_total"  # in the session: [total, time.time() when computed]


class MyWork:
    def __init__(self, request):
        self.request = request

    @cached_property
    def list(self):
        return work_list(self.request.user)

    @cached_property
    def total(self) -> int:
        session = getattr(self.request, "session", None)
        if session is None:
            return self.list.total
        kept = session.get(KEY)
        # The page did not need the list: the menu may use a total kept less than a minute ago.
        if "list" not in self.__dict__ and kept and 0 <= time.time() - kept[1] < TOTAL_TTL:
            return kept[0]
        total = self.list.total
        # A kept total that is the same and fresh (under half a minute) stays: it is still true and still valid for
        # half a minute at least. Writing it again would save the session — a database write — on every home page.
        if not (kept and kept[0] == total and 0 <= time.time() - kept[1] < TOTAL_TTL / 2):
            session[KEY] = [total, time.time()]
        return total

    @cached_property
    def unread(self) -> int:
        return unread_count(self.request.user)


def work(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_work": my_work(request)}


def my_work(request) -> MyWork:
    """The request's one MyWork: the home page computes the list through it, so its menu shows the same total."""
    work = getattr(request, "thidua_work", None)
    if work is None:
        work = request.thidua_work = MyWork(request)
    return work


class WorkCountMiddleware:
    """A user's write (any POST, PUT, PATCH, DELETE) may change what waits for them: forget their menu total."""

    SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.SAFE and hasattr(request, "session"):
            request.session.pop(KEY, None)
        return self.get_response(request)
