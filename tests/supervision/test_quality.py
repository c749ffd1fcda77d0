"""Quality review (issue 13): a random sample of answered complaints from a date range (optionally one
handler's), each reviewed with the supplier's checklist and a score; results per handler; the checklist
starts from the seeds' defaults and is edited by the supplier; supervisors only, one tenant only."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest

from querela.audit.models import AuditEvent
from querela.complaints.models import DeadlineStep
from querela.core import clock, tenancy
from querela.core.errors import PermissionDenied, ValidationFailed
from querela.supervision.checklist import DEFAULT_ITEMS, score_of
from querela.supervision.models import QualityCheckItem, QualityReview, QualitySample
from querela.supervision.selectors import checklist_items, results_per_handler
from querela.supervision.services import quality_review_save, quality_sample_draw, sample_candidates
from tests.factories import TenantWorld

from .helpers import client_for, complaint

pytestmark = pytest.mark.django_db


def _answered_days_ago(w: TenantWorld, c, days: int) -> None:
    with tenancy.tenant_scope(w.tenant):
        DeadlineStep.objects.filter(complaint=c, step="answer").update(done_at=clock.now() - timedelta(days=days))


def _pool(w: TenantWorld) -> dict[str, list]:
    """Answered and closed complaints in range (the handler's and the supervisor's), one answered long ago,
    open ones."""
    pool = {
        "in_range": [complaint(w, days_ago=3, status="answered") for _ in range(6)]
        + [complaint(w, days_ago=3, status="closed") for _ in range(2)],
        "supervisors": [complaint(w, days_ago=3, status="answered", handler="supervisor") for _ in range(2)],
        "long_ago": [complaint(w, days_ago=60, status="answered")],
        "open": [complaint(w, days_ago=3, status="investigating"), complaint(w, days_ago=1)],
    }
    _answered_days_ago(w, pool["long_ago"][0], 45)
    return pool


def _draw(w: TenantWorld, size: int, **kw) -> QualitySample:
    today = clock.tenant_today(w.tenant)
    with tenancy.tenant_scope(w.tenant):
        return quality_sample_draw(
            actor=w.actor("supervisor"),
            day_from=kw.pop("day_from", today - timedelta(days=7)),
            day_to=kw.pop("day_to", today),
            size=size,
            **kw,
        )


def _sampled(w: TenantWorld, sample: QualitySample) -> set[int]:
    with tenancy.tenant_scope(w.tenant):
        return set(QualityReview.objects.filter(sample=sample).values_list("complaint_id", flat=True))


def test_a_sample_is_random_but_only_answered_complaints_of_the_range(world):
    w = world.a
    pool = _pool(w)
    complaint(world.b, days_ago=3, status="answered")  # another supplier's
    eligible = {c.pk for c in pool["in_range"] + pool["supervisors"]}
    today = clock.tenant_today(w.tenant)
    with tenancy.tenant_scope(w.tenant):
        candidates = sample_candidates(day_from=today - timedelta(days=7), day_to=today)
    assert set(candidates) == eligible
    # Drawn by the random generator, not the first ones: a seeded one picks what it would pick.
    expected = set(random.Random(7).sample(candidates, 4))
    sample = _draw(w, 4, rng=random.Random(7))
    assert _sampled(w, sample) == expected
    assert expected != set(sorted(candidates)[:4])
    # Never the same complaint twice: the next draw takes from what is left, and stops there.
    second = _draw(w, 50)
    assert _sampled(w, second) == eligible - expected
    with pytest.raises(ValidationFailed) as none_left:
        _draw(w, 3)
    assert none_left.value.code == "no_candidates"
    with tenancy.tenant_scope(w.tenant):
        assert AuditEvent.objects.filter(action="quality.sample", object_id=str(sample.pk)).exists()


def test_a_sample_of_one_handler(world):
    w = world.a
    pool = _pool(w)
    sample = _draw(w, 10, handler_id=w.users["supervisor"].pk)
    assert _sampled(w, sample) == {c.pk for c in pool["supervisors"]}
    with tenancy.tenant_scope(w.tenant):
        assert {r.handler_id for r in QualityReview.objects.filter(sample=sample)} == {w.users["supervisor"].pk}


def test_the_range_is_the_day_the_answer_went_out(world):
    w = world.a
    pool = _pool(w)
    today = clock.tenant_today(w.tenant)
    sample = _draw(w, 10, day_from=today - timedelta(days=50), day_to=today - timedelta(days=40))
    assert _sampled(w, sample) == {pool["long_ago"][0].pk}
    with pytest.raises(ValidationFailed):
        _draw(w, 3, day_from=today, day_to=today - timedelta(days=1))


def test_draw_through_the_page_then_review_with_the_checklist_and_a_score(world):
    w = world.a
    _pool(w)
    client = client_for(w, "supervisor")
    today = clock.tenant_today(w.tenant)
    index = client.get(f"/t/{w.tenant.code}/supervision/quality/").content.decode()
    assert 'for="draw_date_from"' in index and 'for="draw_handler"' in index
    response = client.post(
        f"/t/{w.tenant.code}/supervision/quality/draw/",
        {
            "date_from": (today - timedelta(days=7)).isoformat(),
            "date_to": today.isoformat(),
            "size": "3",
            "handler": str(w.users["handler"].pk),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "3 of 3 complaints drawn." in page
    with tenancy.tenant_scope(w.tenant):
        reviews = list(QualityReview.objects.order_by("pk"))
        items = checklist_items()
    assert len(reviews) == 3 and len(items) == len(DEFAULT_ITEMS)
    first = reviews[0]
    form = client.get(f"/t/{w.tenant.code}/supervision/quality/reviews/{first.pk}/").content.decode()
    assert "<legend>" in form and "The decision is explained, with its reasons" in form
    assert 'value="yes"' in form and re.search(r'<label for="id_item_\d+_0">', form)
    assert "The meter was read again" in form  # the answer, to read while reviewing
    answers = {f"item_{i.pk}": "yes" for i in items}
    answers[f"item_{items[1].pk}"] = "no"
    answers[f"item_{items[2].pk}"] = "na"
    response = client.post(
        f"/t/{w.tenant.code}/supervision/quality/reviews/{first.pk}/",
        {**answers, "comment": "Reasons too short.", "next": "1"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/reviews/{reviews[1].pk}/")
    with tenancy.tenant_scope(w.tenant):
        first.refresh_from_db()
        assert first.score == 80 and first.comment == "Reasons too short." and first.reviewed_at is not None
        assert [c["answer"] for c in first.checks][:3] == ["yes", "no", "na"]
        assert first.checks[1]["text"] == items[1].label
        assert AuditEvent.objects.filter(action="quality.review", object_id=str(first.pk)).exists()
        # A score given by the reviewer wins over the computed one.
        quality_review_save(
            actor=w.actor("supervisor"),
            review_id=reviews[1].pk,
            answers={i.pk: "yes" for i in items},
            score=65,
            comment="",
        )
        with pytest.raises(ValidationFailed):
            quality_review_save(
                actor=w.actor("supervisor"), review_id=reviews[2].pk, answers={}, score=None, comment=""
            )
        with pytest.raises(PermissionDenied):
            quality_review_save(actor=w.actor("handler"), review_id=reviews[2].pk, answers={}, score=None, comment="")
        results = results_per_handler()
    assert [(r.user.pk, r.reviewed, r.average, r.lowest, r.highest) for r in results] == [
        (w.users["handler"].pk, 2, 72.5, 65, 80)
    ]
    listing = client.get(f"/t/{w.tenant.code}/supervision/quality/").content.decode()
    assert f'data-average="{w.users["handler"].pk}">72.5<' in listing


def test_the_score_is_the_share_of_applicable_items_met():
    assert score_of(["yes", "no", "na", "yes"]) == 67
    assert score_of(["na", "na"]) == 100
    assert score_of(["no"]) == 0


def test_the_checklist_starts_from_the_defaults_and_the_supplier_edits_it(world):
    w = world.a
    with tenancy.tenant_scope(w.tenant):
        items = checklist_items(active_only=False)
    assert [i.preset for i in items] == list(DEFAULT_ITEMS)
    greeting = items[-1]
    client = client_for(w, "tenant_admin")
    page = client.get(f"/t/{w.tenant.code}/supervision/quality/checklist/").content.decode()
    assert f'for="text-{greeting.pk}"' in page and 'for="new-1"' in page
    data = {f"text_{i.pk}": i.label for i in items}
    data.update({f"position_{i.pk}": str(i.position) for i in items})
    data.update({f"active_{i.pk}": "on" for i in items if i.pk != greeting.pk})
    data[f"text_{items[0].pk}"] = "Answered by e-mail when asked by e-mail"
    data["new"] = ["Customer id quoted", ""]
    response = client.post(f"/t/{w.tenant.code}/supervision/quality/checklist/", data)
    assert response.status_code == 302
    with tenancy.tenant_scope(w.tenant):
        after = checklist_items(active_only=False)
        active = [i.label for i in checklist_items()]
        event = AuditEvent.objects.get(action="quality.checklist")
    assert active[0] == "Answered by e-mail when asked by e-mail" and active[-1] == "Customer id quoted"
    assert greeting.label not in active and len(after) == len(items) + 1
    # Left as worded, a default stays a default (it reads in each reviewer's language).
    assert all(i.text == "" for i in after if i.preset and i.preset != "reply_channel")
    assert event.changes["checklist"][1][-1] == "Customer id quoted"


def test_other_roles_are_refused(world):
    w = world.a
    for role in ("agent", "clerk", "handler", "tenant_admin"):
        assert client_for(w, role).get(f"/t/{w.tenant.code}/supervision/quality/").status_code == 403, role
    for role in ("agent", "clerk", "handler"):
        response = client_for(w, role).get(f"/t/{w.tenant.code}/supervision/quality/checklist/")
        assert response.status_code == 403, role


def test_another_tenants_samples_and_reviews_are_out_of_reach(world):
    a, b = world.a, world.b
    _pool(a)
    complaint(b, days_ago=3, status="answered")
    sample = _draw(a, 2)
    with tenancy.tenant_scope(a.tenant):
        review = QualityReview.objects.filter(sample=sample).first()
    other = client_for(b, "supervisor")
    for url in (
        f"/t/{a.tenant.code}/supervision/quality/samples/{sample.pk}/",
        f"/t/{b.tenant.code}/supervision/quality/samples/{sample.pk}/",
        f"/t/{b.tenant.code}/supervision/quality/reviews/{review.pk}/",
    ):
        assert other.get(url).status_code == 404, url
    with tenancy.tenant_scope(b.tenant):
        assert not QualitySample.objects.exists()
        assert QualityCheckItem.objects.count() == len(DEFAULT_ITEMS)
        b_sample = quality_sample_draw(
            actor=b.actor("supervisor"),
            day_from=clock.tenant_today(b.tenant) - timedelta(days=7),
            day_to=clock.tenant_today(b.tenant),
            size=10,
        )
        assert QualityReview.objects.filter(sample=b_sample).count() == 1


def test_the_audit_log_words_the_review(world):
    from django.utils import translation

    from querela.audit.vocabulary import names_for
    from querela.audit.wording import describe

    w = world.a
    _pool(w)
    sample = _draw(w, 1)
    with tenancy.tenant_scope(w.tenant):
        review = QualityReview.objects.select_related("complaint").get(sample=sample)
        items = checklist_items()
        quality_review_save(
            actor=w.actor("supervisor"),
            review_id=review.pk,
            answers={i.pk: "yes" for i in items},
            score=None,
            comment="Fine.",
        )
        events = list(AuditEvent.objects.filter(action__startswith="quality.").order_by("pk"))
        names = names_for(events)
        with translation.override("en"):
            lines = [describe(e, names) for e in events]
    today = clock.tenant_today(w.tenant)
    period = f"{(today - timedelta(days=7)).isoformat()} – {today.isoformat()}"
    assert lines[0].text == f"Answered complaints drawn at random for quality review (quality sample {period})"
    assert (
        lines[1].text
        == f"Complaint {review.complaint.reference} reviewed for quality by {w.users['supervisor'].username}"
    )
    assert ("Score", "— → 100") in lines[1].details
