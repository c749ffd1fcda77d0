from django.urls import include, path

from .views import admin, agent, auth, complaints, consumer, home, inbox

app_name = "web"

tenant_patterns = [
    path("", home.tenant_home, name="tenant_home"),
    path("file/", consumer.consumer_file, name="consumer_file"),
    path("complaints/", complaints.complaint_index, name="complaint_index"),
    path("complaints/register/", agent.staff_register, name="staff_register"),
    path("complaints/<str:reference>/", complaints.complaint_detail, name="complaint_detail"),
    path("complaints/<str:reference>/do/", complaints.complaint_do, name="complaint_do"),
    path("complaints/<str:reference>/note/", complaints.complaint_note, name="complaint_note"),
    path("complaints/<str:reference>/message/", complaints.complaint_message, name="complaint_message"),
    path("complaints/<str:reference>/classify/", complaints.complaint_classify, name="complaint_classify"),
    path(
        "complaints/<str:reference>/letters/<int:entry_id>.pdf", complaints.letter_download, name="letter_download"
    ),
    path("complaints/<str:reference>/identify/", complaints.complaint_identify_view, name="complaint_identify"),
    path("complaints/<str:reference>/deadline/", complaints.complaint_deadline, name="complaint_deadline"),
    path(
        "complaints/<str:reference>/files/<int:attachment_id>/",
        complaints.attachment_download,
        name="attachment_download",
    ),
    path("customers/", agent.customer_search_view, name="customer_search"),
    path("customers/new/", agent.customer_new, name="customer_new"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:message_id>/raw/", inbox.inbox_raw, name="inbox_raw"),
    path("inbox/<int:message_id>/release/", inbox.inbox_release, name="inbox_release"),
    path("customers/<int:customer_id>/", agent.customer_detail, name="customer_detail"),
    path("customers/<int:customer_id>/representatives/", agent.representative_new, name="representative_new"),
    path(
        "customers/<int:customer_id>/representatives/<int:rep_id>/poa/",
        agent.representative_poa,
        name="representative_poa",
    ),
    path("admin/", admin.tenant_admin, name="tenant_admin"),
    path("admin/settings/", admin.tenant_settings, name="tenant_settings"),
    path("admin/departments/", admin.department_add, name="department_add"),
    path("admin/staff/", admin.staff_add, name="staff_add"),
    path("admin/staff/<int:membership_id>/remove/", admin.staff_deactivate, name="staff_deactivate"),
    path("admin/policies/<str:name>/", admin.policy_edit, name="policy_edit"),
    path("audit/", admin.audit_log, name="audit_log"),
    path("api-token/", admin.api_token, name="api_token"),
    path("audit/verify/", admin.audit_verify_view, name="audit_verify"),
    path("billing/", admin.tenant_billing, name="tenant_billing"),
]

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("platform/", admin.platform, name="platform"),
    path("t/<str:tenant>/", include(tenant_patterns)),
]
