from django.urls import path

from thidua.lib.documents import register_doc_format_converter
from thidua.lib.import_views import import_urls
from thidua.nominations import disclosure_views, views

register_doc_format_converter()

app_name = "nominations"
urlpatterns = [
    path("ho-so/", views.dossier_list, name="list"),
    path("ho-so/cho-xu-ly/", views.inbox, name="inbox"),
    path("ho-so/tao/", views.dossier_create, name="create"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="detail"),
    path("ho-so/<int:pk>/chuyen/", views.dossier_move, name="move"),
    path("ho-so/<int:pk>/muc/them/", views.item_add, name="item-add"),
    path("ho-so/<int:pk>/muc/tim-doi-tuong/", views.recipient_search, name="recipient-search"),
    # Excel import of the items (nominations/imports.py): upload, template, preview, commit, progress.
    *import_urls("dossier-items", "ho-so/<int:dossier>/nhap/", "nominations"),
    path("ho-so/<int:pk>/muc/<int:item_pk>/xoa/", views.item_remove, name="item-remove"),
    path("ho-so/<int:pk>/muc/<int:item_pk>/ket-qua/", views.item_outcome, name="item-outcome"),
    path("ho-so/<int:pk>/tai-lieu/", views.attachment_add, name="attachment-add"),
    path("ho-so/<int:pk>/tai-lieu/<int:att_pk>/", views.attachment_download, name="attachment"),
    path("ho-so/<int:pk>/quyet-dinh/", views.decision_form, name="decision"),
    path("ho-so/<int:pk>/hoi-dong/", views.session_open, name="session-open"),
    path("hoi-dong/", views.council_list, name="councils"),
    path("hoi-dong/<int:pk>/", views.council_detail, name="council"),
    path("hoi-dong/<int:pk>/thanh-vien/them/", views.council_member_add, name="council-member-add"),
    path("hoi-dong/<int:pk>/chuc-danh/", views.council_officers, name="council-officers"),
    path("hoi-dong/<int:pk>/thanh-vien/<int:user_pk>/bot/", views.council_member_remove, name="council-member-remove"),
    path("hoi-dong/phien/<int:pk>/", views.session_detail, name="session"),
    path("hoi-dong/phien/<int:pk>/bo-phieu/", views.session_vote, name="session-vote"),
    path("hoi-dong/phien/<int:pk>/phieu-van-ban/", views.session_written, name="session-written"),
    path("hoi-dong/phien/<int:pk>/ket-thuc/", views.session_close, name="session-close"),
    path("hoi-dong/phien/<int:pk>/hoan-huy/", views.session_end, name="session-end"),
    path("hoi-dong/phien/<int:pk>/kiem-phieu-lai/", views.session_recount, name="session-recount"),
    path("hoi-dong/phien/<int:pk>/phieu-van-ban/<int:ppk>/ban-quet/", views.session_paper, name="session-paper"),
    path("chung-nhan/<int:pk>/", views.certificate, name="certificate"),
    path("chung-nhan/<int:pk>/thu-hoi/", views.certificate_revoke, name="certificate-revoke"),
    path("xac-minh/<str:token>/", views.verify, name="verify"),
    path("ho-so/<int:pk>/cong-khai/", disclosure_views.office, name="disclosure"),
    path("ho-so/<int:pk>/cong-khai/dang/", disclosure_views.publish, name="disclosure-publish"),
    path("ho-so/<int:pk>/cong-khai/quy-dinh/", disclosure_views.policy, name="disclosure-policy"),
    path("ho-so/<int:pk>/cong-khai/y-kien/<int:comment_pk>/", disclosure_views.handle, name="disclosure-handle"),
    path("cong-khai/<str:token>/", disclosure_views.public, name="disclosure-public"),
    # Documents: Word, or PDF (LibreOffice) — a page says so when PDF cannot be made.
    path("ho-so/<int:pk>/to-trinh.<docfmt:fmt>", views.doc_submission_letter, name="doc-letter"),
    path("ho-so/<int:pk>/quyet-dinh.<docfmt:fmt>", views.doc_decision, name="doc-decision"),
    path("hoi-dong/phien/<int:pk>/bien-ban-kiem-phieu.<docfmt:fmt>", views.doc_vote_minutes, name="doc-minutes"),
    path("ho-so/<int:pk>/muc/<int:item_pk>/bao-cao-thanh-tich.<docfmt:fmt>", views.doc_achievement_report,
         name="doc-report"),
    path("hoi-dong/phien/<int:pk>/bien-ban-hop.<docfmt:fmt>", views.doc_council_minutes, name="doc-council-minutes"),
    path("chung-nhan/<int:pk>/giay-chung-nhan.<docfmt:fmt>", views.doc_certificate, name="doc-certificate"),
]
