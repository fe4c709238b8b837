from django.urls import path

from thidua.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("<int:pk>/da-doc/", views.notification_read, name="read"),
    path("da-doc-het/", views.notification_read_all, name="read-all"),
    path("cai-dat/", views.preferences, name="preferences"),
]
