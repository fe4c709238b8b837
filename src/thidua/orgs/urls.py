from django.urls import path

from thidua.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organization_list, name="list"),
    path("<int:pk>/", views.organization_detail, name="detail"),
]
