from django.urls import include, path

from .views import account_recovery, admin, agent, auth, complaints, home, inbox, mfa, mfa_keys
from .views.consumer import customers as consumer_customers
from .views.consumer import filing
from .views.platform import onboarding
from .views.public import accounts, appointments, complaint_form, guidance, message_wall, tracking
from .views.staff import answer_templates as staff_answer_templates
from .views.staff import answers as staff_answers
from .views.staff import appointments as staff_appointments
from .views.staff import audit as staff_audit
from .views.staff import calls, case_file, consultation_ask, customer_places, postroom, public_site, remedies, welcome
from .views.staff import checklist as staff_checklist
from .views.staff import consultations as staff_consultations
from .views.staff import edit_rules as staff_edit_rules
from .views.staff import instructions as staff_instructions
from .views.staff import minutes as staff_minutes
from .views.staff import orgchart as staff_orgchart
from .views.staff import printing as staff_printing
from .views.staff import privacy as staff_privacy
from .views.staff import quality as staff_quality
from .views.staff import routing as staff_routing
from .views.staff import supervision as staff_supervision

app_name = "web"

tenant_patterns = [
    path("", home.tenant_home, name="tenant_home"),
    # Supervision (issue 13): the team dashboard, four-eyes extensions, quality review.
    path("supervision/", staff_supervision.team_dashboard_view, name="team_dashboard"),
    path("supervision/reassign/", staff_supervision.reassign_view, name="team_reassign"),
    path(
        "supervision/extensions/<int:extension_request_id>/approve/",
        staff_supervision.extension_request_approve_view,
        name="extension_request_approve",
    ),
    path(
        "supervision/extensions/<int:extension_request_id>/refuse/",
        staff_supervision.extension_request_refuse_view,
        name="extension_request_refuse",
    ),
    path("supervision/quality/", staff_quality.quality_index, name="quality_index"),
    path("supervision/quality/draw/", staff_quality.quality_draw, name="quality_draw"),
    path("supervision/quality/checklist/", staff_quality.quality_checklist, name="quality_checklist"),
    path("supervision/quality/samples/<int:quality_sample_id>/", staff_quality.quality_sample, name="quality_sample"),
    path("supervision/quality/reviews/<int:quality_review_id>/", staff_quality.quality_review, name="quality_review"),
    path("file/", filing.consumer_file, name="consumer_file"),
    path("account/customers/", consumer_customers.consumer_customers, name="consumer_customers"),
    path("complaints/", complaints.complaint_index, name="complaint_index"),
    path("complaints/register/", agent.staff_register, name="staff_register"),
    path("calls/start/", calls.call_start_view, name="call_start"),
    path("calls/<int:call_id>/", calls.call_console, name="call_console"),
    path("calls/<int:call_id>/notice/", calls.call_notice, name="call_notice"),
    path("calls/<int:call_id>/identify/", calls.call_identify, name="call_identify"),
    path("calls/<int:call_id>/register/", calls.call_register_view, name="call_register"),
    path("calls/<int:call_id>/recording/", calls.call_recording_upload, name="call_recording"),
    path("calls/<int:call_id>/end/", calls.call_end_view, name="call_end"),
    path("complaints/assign/", complaints.complaints_bulk_assign, name="complaints_bulk_assign"),
    path("complaints/<str:reference>/", complaints.complaint_detail, name="complaint_detail"),
    path("complaints/<str:reference>/do/", complaints.complaint_do, name="complaint_do"),
    path("complaints/<str:reference>/answer/", staff_answers.answer_compose, name="answer_compose"),
    path(
        "complaints/<str:reference>/answer/template/",
        staff_answers.answer_template_fill,
        name="answer_template_fill",
    ),
    path("complaints/<str:reference>/note/", complaints.complaint_note, name="complaint_note"),
    path(
        "complaints/<str:reference>/consultations/",
        consultation_ask.consultation_ask_view,
        name="consultation_ask",
    ),
    path(
        "consultations/<int:consultation_id>/answer/",
        staff_consultations.consultation_answer_view,
        name="consultation_answer",
    ),
    path(
        "consultations/<int:consultation_id>/cancel/",
        staff_consultations.consultation_cancel_view,
        name="consultation_cancel",
    ),
    path("checklist/<int:step_id>/done/", staff_checklist.checklist_done_view, name="checklist_done"),
    path("checklist/<int:step_id>/reassign/", staff_checklist.checklist_reassign_view, name="checklist_reassign"),
    path(
        "checklist/<int:step_id>/not-applicable/",
        staff_checklist.checklist_not_applicable_view,
        name="checklist_not_applicable",
    ),
    path(
        "complaints/<str:reference>/checklist/override/",
        staff_checklist.checklist_override_view,
        name="checklist_override",
    ),
    path(
        "complaints/<str:reference>/checklist/instruction/",
        staff_checklist.checklist_choose_view,
        name="checklist_choose",
    ),
    path("complaints/<str:reference>/recording/", complaints.consumer_recording, name="consumer_recording"),
    path("complaints/<str:reference>/recording/send/", complaints.recording_send, name="recording_send"),
    path("complaints/<str:reference>/receipt.pdf", complaints.office_receipt, name="office_receipt"),
    path("complaints/<str:reference>/message/", complaints.complaint_message, name="complaint_message"),
    path("complaints/<str:reference>/classify/", complaints.complaint_classify, name="complaint_classify"),
    path("complaints/<str:reference>/letters/<int:entry_id>.pdf", complaints.letter_download, name="letter_download"),
    path("complaints/<str:reference>/identify/", complaints.complaint_identify_view, name="complaint_identify"),
    path("complaints/<str:reference>/deadline/", complaints.complaint_deadline, name="complaint_deadline"),
    path(
        "complaints/<str:reference>/files/<int:attachment_id>/",
        complaints.attachment_download,
        name="attachment_download",
    ),
    path("complaints/<str:reference>/forms/<slug:name>/", case_file.case_form, name="case_form"),
    path(
        "complaints/<str:reference>/files/<int:attachment_id>/preview.png",
        case_file.attachment_preview,
        name="attachment_preview",
    ),
    path("customers/", agent.customer_search_view, name="customer_search"),
    path("customers/new/", agent.customer_new, name="customer_new"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:message_id>/raw/", inbox.inbox_raw, name="inbox_raw"),
    path("inbox/<int:message_id>/release/", inbox.inbox_release, name="inbox_release"),
    path("customers/<int:customer_id>/", agent.customer_detail, name="customer_detail"),
    path("customers/<int:customer_id>/edit/", agent.customer_edit, name="customer_edit"),
    path("customers/<int:customer_id>/places/new/", customer_places.place_new, name="place_new"),
    path("customers/<int:customer_id>/places/<int:place_id>/edit/", customer_places.place_edit, name="place_edit"),
    path("customers/<int:customer_id>/places/<int:place_id>/meters/new/", customer_places.meter_new, name="meter_new"),
    path("customers/<int:customer_id>/meters/<int:meter_id>/edit/", customer_places.meter_edit, name="meter_edit"),
    path(
        "customers/<int:customer_id>/meters/<int:meter_id>/replace/",
        customer_places.meter_replace_view,
        name="meter_replace",
    ),
    path("customers/<int:customer_id>/representatives/", agent.representative_new, name="representative_new"),
    path(
        "customers/<int:customer_id>/representatives/<int:rep_id>/poa/",
        agent.representative_poa,
        name="representative_poa",
    ),
    path("admin/", admin.tenant_admin, name="tenant_admin"),
    path("admin/settings/", admin.tenant_settings, name="tenant_settings"),
    path("admin/public-site/", public_site.public_site, name="public_site"),
    path("admin/remedies/", remedies.remedies, name="remedies"),
    path("admin/remedies/load/", remedies.remedies_load, name="remedies_load"),
    path("admin/remedies/<int:body_id>/", remedies.remedy_edit, name="remedy_edit"),
    path("admin/answer-templates/", staff_answer_templates.answer_templates, name="answer_templates"),
    path(
        "admin/answer-templates/<int:template_id>/",
        staff_answer_templates.answer_template_edit,
        name="answer_template_edit",
    ),
    # The org chart (issue 14): seen by caseworkers, edited and imported by the administrator.
    path("org-chart/", staff_orgchart.orgchart, name="orgchart"),
    path("org-chart/jobs/new/", staff_orgchart.orgchart_job_new, name="orgchart_job_new"),
    path("org-chart/jobs/<int:job_id>/", staff_orgchart.orgchart_job, name="orgchart_job"),
    path("org-chart/jobs/<int:job_id>/holders/", staff_orgchart.orgchart_holder_add, name="orgchart_holder_add"),
    path("org-chart/jobs/<int:job_id>/deputies/", staff_orgchart.orgchart_deputy_add, name="orgchart_deputy_add"),
    path("org-chart/holders/<int:job_holder_id>/end/", staff_orgchart.orgchart_holder_end, name="orgchart_holder_end"),
    path("org-chart/deputies/<int:deputy_id>/end/", staff_orgchart.orgchart_deputy_end, name="orgchart_deputy_end"),
    path("org-chart/import/", staff_orgchart.orgchart_import, name="orgchart_import"),
    path("org-chart/import/confirm/", staff_orgchart.orgchart_import_confirm, name="orgchart_import_confirm"),
    # Restricted data changes (issue 14): who may change which field after registration, and when.
    path("edit-rules/", staff_edit_rules.edit_rules, name="edit_rules"),
    path("edit-rules/<int:rule_id>/reset/", staff_edit_rules.edit_rule_reset, name="edit_rule_reset"),
    # The work instruction library (issue 14): read by caseworkers, written by the administrator.
    path("instructions/", staff_instructions.instruction_library, name="instructions"),
    path("instructions/new/", staff_instructions.instruction_new, name="instruction_new"),
    path("instructions/load/", staff_instructions.instruction_library_load, name="instructions_load"),
    path("instructions/<int:instruction_id>/", staff_instructions.instruction_detail, name="instruction_detail"),
    path("instructions/<int:instruction_id>/edit/", staff_instructions.instruction_edit, name="instruction_edit"),
    path(
        "instructions/<int:instruction_id>/documents/<int:document_id>.pdf",
        staff_instructions.instruction_document,
        name="instruction_document",
    ),
    # Routing rules (issue 14): the administrator's rules, their order and a dry run on last month.
    path("routing/", staff_routing.routing_rules, name="routing_rules"),
    path("routing/new/", staff_routing.routing_rule_new, name="routing_rule_new"),
    path("routing/dry-run/", staff_routing.routing_dry_run, name="routing_dry_run"),
    path("routing/<int:routing_rule_id>/", staff_routing.routing_rule_edit, name="routing_rule_edit"),
    path("routing/<int:routing_rule_id>/delete/", staff_routing.routing_rule_delete, name="routing_rule_delete"),
    path("routing/<int:routing_rule_id>/move/", staff_routing.routing_rule_move, name="routing_rule_move"),
    path("routing/<int:routing_rule_id>/switch/", staff_routing.routing_rule_switch, name="routing_rule_switch"),
    path("admin/offices/", staff_appointments.offices, name="offices"),
    path("admin/offices/<int:office_id>/", staff_appointments.office_edit, name="office_edit"),
    path("appointments/", staff_appointments.day_list, name="appointments_day"),
    path("appointments/book/", staff_appointments.book_for_caller, name="appointment_book_for_caller"),
    path("appointments/<int:appointment_id>/check-in/", staff_appointments.check_in, name="appointment_check_in"),
    path("admin/public-site/contacts/", public_site.public_site_contacts, name="public_site_contacts"),
    path("admin/public-site/matters/<slug:code>/", public_site.public_site_matter, name="public_site_matter"),
    path("admin/departments/", admin.department_add, name="department_add"),
    path("admin/staff/", admin.staff_add, name="staff_add"),
    path("admin/staff/<int:membership_id>/remove/", admin.staff_deactivate, name="staff_deactivate"),
    path("admin/staff/<int:membership_id>/two-step/", mfa.mfa_reset_other, name="mfa_reset_other"),
    path("admin/policies/<str:name>/", admin.policy_edit, name="policy_edit"),
    path("audit/", staff_audit.audit_log, name="audit_log"),
    path("audit/export.csv", staff_audit.audit_log_csv, name="audit_log_csv"),
    path("api-token/", admin.api_token, name="api_token"),
    path("audit/verify/", admin.audit_verify_view, name="audit_verify"),
    path("billing/", admin.tenant_billing, name="tenant_billing"),
    path("minutes/new/", staff_minutes.minutes_new, name="minutes_new"),
    path("complaints/<str:reference>/minutes/new/", staff_minutes.minutes_for_complaint, name="minutes_for_complaint"),
    path("minutes/<int:minutes_id>/", staff_minutes.minutes_detail, name="minutes_detail"),
    path("minutes/<int:minutes_id>/edit/", staff_minutes.minutes_edit_view, name="minutes_edit"),
    path("minutes/<int:minutes_id>/sign/", staff_minutes.minutes_sign_view, name="minutes_sign"),
    path("minutes/<int:minutes_id>/correct/", staff_minutes.minutes_correct_view, name="minutes_correct"),
    path("minutes/<int:minutes_id>/minutes.pdf", staff_minutes.minutes_pdf, name="minutes_pdf"),
    path("postroom/", postroom.postroom, name="postroom"),
    path("postroom/<int:batch_id>/", postroom.scan_batch, name="scan_batch"),
    path("postroom/<int:batch_id>/progress/", postroom.scan_progress, name="scan_progress"),
    path("postroom/<int:batch_id>/pages/<int:page>.png", postroom.scan_page, name="scan_page"),
    path("postroom/<int:batch_id>/original/", postroom.scan_original, name="scan_original"),
    path("printing/", staff_printing.print_room, name="print_room"),
    path("printing/<int:print_batch_id>/", staff_printing.print_batch_detail, name="print_batch"),
    path("printing/<int:print_batch_id>/close/", staff_printing.print_batch_close, name="print_batch_close"),
    path("printing/<int:print_batch_id>/posted/", staff_printing.print_batch_dispatch, name="print_batch_dispatch"),
    path("printing/<int:print_batch_id>/batch.pdf", staff_printing.print_batch_pdf, name="print_batch_pdf"),
    path("printing/letters/<int:letter_id>.pdf", staff_printing.print_letter_pdf, name="print_letter"),
    # Data protection (issue 16): the officer's access log, subject exports, erasure, retention and purge.
    path("privacy/", staff_privacy.privacy_home, name="privacy_home"),
    path("privacy/people/", staff_privacy.privacy_people, name="privacy_people"),
    path("privacy/access-log/", staff_privacy.privacy_access_log, name="privacy_access_log"),
    path("privacy/access-log.csv", staff_privacy.privacy_access_log_csv, name="privacy_access_log_csv"),
    path("privacy/exports/", staff_privacy.privacy_exports, name="privacy_exports"),
    path("privacy/exports/<int:subject_export_id>/", staff_privacy.privacy_export, name="privacy_export"),
    path(
        "privacy/exports/<int:subject_export_id>/progress/",
        staff_privacy.privacy_export_progress,
        name="privacy_export_progress",
    ),
    path(
        "privacy/exports/<int:subject_export_id>/download/",
        staff_privacy.privacy_export_download,
        name="privacy_export_download",
    ),
    path("privacy/erasure/", staff_privacy.privacy_erasure, name="privacy_erasure"),
    path(
        "privacy/erasure/<int:customer_id>/",
        staff_privacy.privacy_erasure_preview,
        name="privacy_erasure_preview",
    ),
    path("privacy/retention/", staff_privacy.privacy_retention, name="privacy_retention"),
    path("privacy/retention/dry-run/", staff_privacy.privacy_purge_dry_run, name="privacy_purge_dry_run"),
    path("privacy/retention/purge/", staff_privacy.privacy_purge_confirm, name="privacy_purge_confirm"),
]

# The public side of each supplier: no login (issue 11).
public_patterns = [
    path("", guidance.public_home, name="public_home"),
    path("matter/<slug:matter>/", guidance.public_matter, name="public_matter"),
    path("complaint/", complaint_form.public_complaint, name="public_complaint"),
    path("complaint/sent/", complaint_form.public_sent, name="public_sent"),
    path("track/<str:token>/", tracking.public_track, name="public_track"),
    path("track/<str:token>/receipt.pdf", tracking.public_receipt, name="public_receipt"),
    path("appointment/", appointments.appointment_book_view, name="appointment_book"),
    path("appointment/<str:token>/", appointments.appointment_manage, name="appointment_manage"),
    path("appointment/<str:token>/calendar.ics", appointments.appointment_ics, name="appointment_ics"),
    path("account/signup/", accounts.account_signup, name="account_signup"),
    path("account/verify/<str:uidb64>/<str:token>/", accounts.account_verify, name="account_verify"),
    path("account/login/", accounts.account_login, name="account_login"),
    path("account/login-link/", accounts.account_link_request, name="account_link_request"),
    path("account/unlock/<str:uidb64>/<str:token>/", accounts.account_unlock, name="account_unlock"),
    path("account/login/<str:uidb64>/<str:token>/", accounts.account_link_login, name="account_link_login"),
    path("account/password/", accounts.account_reset, name="account_reset"),
    path("account/password/<str:uidb64>/<str:token>/", accounts.account_reset_confirm, name="account_reset_confirm"),
    path("wall/", message_wall.wall, name="public_wall"),
    path("wall/<str:token>/", message_wall.wall_thread, name="public_wall_thread"),
]

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/password/", account_recovery.password_reset, name="password_reset"),
    path(
        "login/password/<str:uidb64>/<str:token>/",
        account_recovery.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("login/unlock/<str:uidb64>/<str:token>/", account_recovery.login_unlock, name="login_unlock"),
    # Two-step sign-in (issue 16): the code after the password, setting an app up, one's own settings.
    path("login/verify/", mfa.mfa_verify, name="mfa_verify"),
    path("login/setup/", mfa.mfa_setup, name="mfa_setup"),
    path("login/key/sign-in/", mfa_keys.mfa_key_options, {"kind": mfa_keys.SIGN_IN}, name="mfa_key_sign_in"),
    path("login/key/register/", mfa_keys.mfa_key_options, {"kind": mfa_keys.REGISTER}, name="mfa_key_register"),
    path("account/two-step/", mfa.mfa_settings, name="mfa_settings"),
    path("logout/", auth.logout_view, name="logout"),
    path("platform/", admin.platform, name="platform"),
    path("platform/suppliers/new/", onboarding.platform_tenant_new, name="platform_tenant_new"),
    path("welcome/<str:uidb64>/<str:token>/", welcome.staff_welcome, name="staff_welcome"),
    path("t/<str:tenant>/", include(tenant_patterns)),
    path("p/<str:code>/", include(public_patterns)),
]
