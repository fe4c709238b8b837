"""The home page "Việc của tôi" (thidua.office.worklist) and the cluster list link for every role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from thidua.office.worklist import work_list


@login_required
def home(request):
    work = getattr(request, "thidua_work", None)
    wl = work.list if work is not None else work_list(request.user)
    return render(request, "office/home.html", {"work": wl})
