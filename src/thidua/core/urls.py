from django.contrib.auth import views as auth_views
from django.urls import include, path

from thidua.core import views as core_views

urlpatterns = [
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("nhat-ky/", core_views.audit_log, name="audit-log"),
    path("nhat-ky/export.xlsx", core_views.audit_log_export, name="audit-log-export"),
    path("khen-thuong/", include("thidua.awards.urls")),
    path("don-vi/", include("thidua.orgs.urls")),
    path("thong-bao/", include("thidua.notifications.urls")),
    path("", include("thidua.office.urls")),
    path("", include("thidua.eligibility.urls")),
    path("", include("thidua.nominations.urls")),
    path("", include("thidua.emulation.urls")),
]
