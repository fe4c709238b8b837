from django.urls import path

from thidua.lib import import_views
from thidua.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<int:pk>/", views.organization_detail, name="detail"),
    *import_views.import_urls("people", "nhap-ca-nhan/", "orgs"),  # Excel import of people (thidua.lib.imports)
]
