from django.urls import path

from thidua.emulation import views

app_name = "emulation"
urlpatterns = [
    path("", views.home, name="home"),
    path("cum/<int:pk>/", views.dashboard, name="dashboard"),
    path("cum/<int:pk>/chi-tieu/<str:code>/", views.indicator_detail, name="indicator"),
    path("cum/<int:pk>/dien-hinh/", views.exemplars, name="exemplars"),
]
