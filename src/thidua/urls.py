from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("thidua.api.urls")),
    path("cong-viec/", include("thidua.jobs.urls")),
    path("", include("thidua.core.urls")),
]

# Error pages rendered without the database (thidua.core.errors); API paths answer JSON.
handler404 = "thidua.core.errors.page_not_found"
handler500 = "thidua.core.errors.server_error"
