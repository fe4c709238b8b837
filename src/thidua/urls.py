"""The URL root: every app's pages under their Vietnamese URL words (see docs/ARCHITECTURE.md)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path, reverse

from thidua.core import views as core_views
from thidua.orgs import audit_views


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to. The static URL is resolved per request: with the
    hashed static storage of production it exists only after collectstatic, not when the URLs are imported."""
    return HttpResponsePermanentRedirect(static("thidua/favicon.svg"))


def moved(name):
    """The former English addresses of the login and logout pages: a permanent redirect that keeps the method (308,
    so a bookmarked form still posts) and the query string (?next=…)."""
    def view(request):
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(reverse(name) + (f"?{query}" if query else ""), preserve_request=True)
    return view


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", include("thidua.api.urls")),
    path("cong-viec/", include("thidua.jobs.urls")),
    path("giay-to/", include("thidua.papers.urls")),
    path("dang-nhap/", core_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/login/", moved("login"), name="login-moved"),
    path("accounts/logout/", moved("logout"), name="logout-moved"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("nhat-ky/", audit_views.audit_log, name="audit-log"),
    path("nhat-ky/export.xlsx", audit_views.audit_log_export, name="audit-log-export"),
    path("khen-thuong/", include("thidua.awards.urls")),
    path("khen-thuong/", include("thidua.reports.urls")),
    path("don-vi/", include("thidua.orgs.urls")),
    path("dien-hinh/", include("thidua.emulation.exemplar_urls")),
    path("vinh-danh/", include("thidua.emulation.public_urls")),
    path("thong-bao/", include("thidua.notifications.urls")),
    path("", include("thidua.office.urls")),
    path("", include("thidua.eligibility.urls")),
    path("", include("thidua.nominations.urls")),
    path("", include("thidua.emulation.urls")),
]

# Error pages rendered without the database (thidua.core.errors); API paths answer JSON.
handler400 = "thidua.core.errors.bad_request"
handler404 = "thidua.core.errors.page_not_found"
handler500 = "thidua.core.errors.server_error"
