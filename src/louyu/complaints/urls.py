from django.urls import path

from louyu.complaints import building_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_queue, name="queue"),
    path("export.xlsx", views.complaint_export, name="export"),
    path("assign/", views.complaint_bulk_assign, name="bulk_assign"),
    path("new/", views.complaint_intake, name="intake"),
    path("buildings/suggest/", building_views.building_suggest, name="building_suggest"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/building/", building_views.complaint_link, name="building_link"),
    path("<int:pk>/building/new/", building_views.complaint_building_new, name="building_new"),
    path("<int:pk>/personal/", views.complaint_reveal, name="reveal"),
    path("<int:pk>/public-text/", views.complaint_public_text, name="public_text"),
    path("<int:pk>/transition/", views.complaint_transition, name="transition"),
    path("<int:pk>/refer/", views.complaint_refer, name="refer"),
    path("<int:pk>/verifications/", views.verification_add, name="verification_add"),
    path(
        "<int:pk>/referrals/<int:referral_pk>/answer/",
        views.referral_answer,
        name="referral_answer",
    ),
    path(
        "<int:pk>/duplicates/<int:candidate_pk>/merge/",
        views.duplicate_merge,
        name="duplicate_merge",
    ),
    path(
        "<int:pk>/duplicates/<int:candidate_pk>/dismiss/",
        views.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/letters/<str:kind>.pdf",
        views.complaint_letter,
        name="letter",
    ),
]
