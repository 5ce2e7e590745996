from django.urls import path

from louyu.library.views import meetings, practices

app_name = "library"

urlpatterns = [
    path("", practices.practice_list, name="practice_list"),
    path("practices/new/", practices.practice_create, name="practice_create"),
    path("practices/<int:pk>/", practices.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", practices.practice_edit, name="practice_edit"),
    path(
        "practices/<int:pk>/transition/", practices.practice_transition, name="practice_transition"
    ),
    path("practices/<int:pk>/comments/", practices.practice_comment, name="practice_comment"),
    path("practices/<int:pk>/adopt/", practices.practice_adopt, name="practice_adopt"),
    path("attachments/<int:pk>/", practices.attachment_download, name="attachment"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/", meetings.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/actions/", meetings.action_add, name="action_add"),
    path("actions/<int:pk>/", meetings.action_detail, name="action_detail"),
    path("actions/<int:pk>/transition/", meetings.action_respond, name="action_respond"),
    path("actions/<int:pk>/evidence/", meetings.action_evidence, name="action_evidence"),
]
