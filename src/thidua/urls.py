from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links to. The static URL is resolved per request: with the
    hashed static storage of production it exists only after collectstatic, not when the URLs are imported."""
    return HttpResponsePermanentRedirect(static("thidua/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", include("thidua.api.urls")),
    path("cong-viec/", include("thidua.jobs.urls")),
    path("giay-to/", include("thidua.papers.urls")),
    path("", include("thidua.core.urls")),
]

# Error pages rendered without the database (thidua.core.errors); API paths answer JSON.
handler400 = "thidua.core.errors.bad_request"
handler404 = "thidua.core.errors.page_not_found"
handler500 = "thidua.core.errors.server_error"
