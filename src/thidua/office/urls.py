from django.urls import path

from thidua.office import views

app_name = "office"
urlpatterns = [
    path("", views.home, name="home"),
]
