from collections.abc import Mapping

from django.apps import AppConfig


class OrgchartConfig(AppConfig):
    """The supplier's org chart: jobs, their holders and deputies (seed 003, issue 14)."""

    name = "querela.orgchart"
    label = "orgchart"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from querela.audit.vocabulary import register_object, register_values

        from .models import Deputy, Job, JobHolder, SignCapability

        # The audit log names jobs, terms and deputies in words, and what a job may sign by its labels.
        register_object("job", Job, names=_jobs)
        register_object("job_holder", JobHolder, names=_holders)
        register_object("deputy", Deputy, names=_deputies)
        register_values("may_sign", dict(SignCapability.choices))


def _person(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def _jobs(keys: set[str]) -> Mapping[str, str]:
    from querela.audit.vocabulary import numeric_ids

    from .models import Job

    rows = Job.objects.filter(pk__in=numeric_ids(keys)).values_list("pk", "title", "code")
    return {str(pk): f"{title} ({code})" for pk, title, code in rows}


def _holders(keys: set[str]) -> Mapping[str, str]:
    from django.utils.translation import gettext

    from querela.audit.vocabulary import numeric_ids

    from .models import JobHolder

    rows = JobHolder.objects.filter(pk__in=numeric_ids(keys)).values_list(
        "pk", "user__first_name", "user__last_name", "user__username", "job__title"
    )
    return {
        str(pk): gettext("%(person)s as %(job)s") % {"person": _person(first, last, username), "job": title}
        for pk, first, last, username, title in rows
    }


def _deputies(keys: set[str]) -> Mapping[str, str]:
    from django.utils.translation import gettext

    from querela.audit.vocabulary import numeric_ids

    from .models import Deputy

    rows = Deputy.objects.filter(pk__in=numeric_ids(keys)).values_list(
        "pk", "user__first_name", "user__last_name", "user__username", "job__title"
    )
    return {
        str(pk): gettext("%(person)s for %(job)s") % {"person": _person(first, last, username), "job": title}
        for pk, first, last, username, title in rows
    }
