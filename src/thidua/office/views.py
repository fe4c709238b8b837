"""The home page "Việc của tôi" (thidua.office.worklist) and the cluster list link for every role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from thidua.office.context import my_work


@login_required
def home(request):
    return render(request, "office/home.html", {"work": my_work(request).list})
