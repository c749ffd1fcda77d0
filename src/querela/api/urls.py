from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import calls, instructions, privacy, routing, views
from .base import not_found

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("t/<str:tenant>/complaints/", views.ComplaintCollection.as_view(), name="complaints"),
    path("t/<str:tenant>/complaints/<str:reference>/", views.ComplaintItem.as_view(), name="complaint"),
    path(
        "t/<str:tenant>/complaints/<str:reference>/transitions/",
        views.ComplaintTransition.as_view(),
        name="complaint_transition",
    ),
    path("t/<str:tenant>/complaints/<str:reference>/notes/", views.ComplaintNotes.as_view(), name="complaint_notes"),
    path(
        "t/<str:tenant>/complaints/<str:reference>/messages/",
        views.ComplaintMessages.as_view(),
        name="complaint_messages",
    ),
    path(
        "t/<str:tenant>/complaints/<str:reference>/identify/",
        views.ComplaintIdentify.as_view(),
        name="complaint_identify",
    ),
    path(
        "t/<str:tenant>/complaints/<str:reference>/deadlines/",
        views.ComplaintDeadlines.as_view(),
        name="complaint_deadlines",
    ),
    path(
        "t/<str:tenant>/complaints/<str:reference>/attachments/",
        views.ComplaintAttachments.as_view(),
        name="complaint_attachments",
    ),
    path(
        "t/<str:tenant>/complaints/<str:reference>/attachments/<int:attachment_id>/",
        views.AttachmentDownload.as_view(),
        name="attachment",
    ),
    path("t/<str:tenant>/customers/", views.CustomerCollection.as_view(), name="customers"),
    path("t/<str:tenant>/calls/", calls.CallCollection.as_view(), name="calls"),
    path("t/<str:tenant>/calls/<str:recording_id>/recording/", calls.CallRecording.as_view(), name="call_recording"),
    path("t/<str:tenant>/instructions/", instructions.InstructionCollection.as_view(), name="instructions"),
    path("t/<str:tenant>/routing-rules/", routing.RoutingRuleCollection.as_view(), name="routing_rules"),
    path("t/<str:tenant>/privacy/retention/", privacy.RetentionView.as_view(), name="privacy_retention"),
    path("t/<str:tenant>/token/", views.TokenIssue.as_view(), name="token"),
    path("t/<str:tenant>/customers/<int:customer_id>/", views.CustomerItem.as_view(), name="customer"),
    # Last: whatever else ends in a slash here is no operation of the API (a JSON 404, not a page).
    re_path(r"^[\s\S]*/$", not_found),  # [\s\S]: a newline in an address is part of it too
]
