from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, reverse

from thidua.core import views as core_views



def moved(name):
    """The former English addresses of the login and logout pages: a permanent redirect that keeps the method (308,
    so a bookmarked form still posts) and the query string (?next=…)."""
    def view(request):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(reverse(name) + (f"?{query}" if query else ""), preserve_request=True)
    return view


urlpatterns = [
    path("dang-nhap/", core_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/login/", moved("login"), name="login-moved"),
    path("accounts/logout/", moved("logout"), name="logout-moved"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("nhat-ky/", core_views.audit_log, name="audit-log"),
    path("nhat-ky/export.xlsx", core_views.audit_log_export, name="audit-log-export"),
    path("khen-thuong/", include("thidua.awards.urls")),
    path("don-vi/", include("thidua.orgs.urls")),
    path("", include("thidua.eligibility.urls")),
    path("", include("thidua.nominations.urls")),
    path("", include("thidua.emulation.urls")),
]
