from django.urls import path

from thidua.awards import views

app_name = "awards"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("export.xlsx", views.registry_export, name="export"),
]
