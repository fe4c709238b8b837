"""The menu's counts — work waiting ("Việc của tôi") and unread notifications — computed only when a page shows
them (the navigation of a logged-in user), by the same service as the home page."""

from functools import cached_property

from thidua.notifications.services import unread_count
from thidua.office.worklist import work_list


class MyWork:
    def __init__(self, request):
        self.request = request

    @cached_property
    def list(self):
        return work_list(self.request.user)

    @cached_property
    def total(self) -> int:
        return self.list.total

    @cached_property
    def unread(self) -> int:
        return unread_count(self.request.user)


def work(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    work = MyWork(request)
    request.thidua_work = work  # the home page reuses the list computed for the menu
    return {"my_work": work}
