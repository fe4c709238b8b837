from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    # Browsers and feed readers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", RedirectView.as_view(url=static("thidua/favicon.svg"), permanent=True)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("thidua.api.urls")),
    path("", include("thidua.core.urls")),
]

# Error pages rendered without the database (thidua.core.errors); API paths answer JSON.
handler400 = "thidua.core.errors.bad_request"
handler404 = "thidua.core.errors.page_not_found"
handler500 = "thidua.core.errors.server_error"
