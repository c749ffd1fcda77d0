from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from querela.complaints.models import GIVEN_FIELDS, Attachment, Category, Complaint, Kind, TimelineEntry
from querela.complaints.workflow import TRANSITIONS_BY_NAME, Decision
from querela.core.channels import Channel
from querela.customers.models import ConsumptionPlace, Customer, Meter
from querela.deadlines.texts import EXTENSION_REASON_NAMES
from querela.edit_rules.catalogue import ORIGINALS
from querela.tenants.access import can


class MeterOut(serializers.ModelSerializer[Meter]):
    class Meta:
        model = Meter
        fields = ["serial", "installed_on"]


class PlaceOut(serializers.ModelSerializer[ConsumptionPlace]):
    meters = MeterOut(many=True, read_only=True)

    class Meta:
        model = ConsumptionPlace
        fields = ["id", "address", "postal_code", "city", "region", "service_type", "meters"]


class CustomerOut(serializers.ModelSerializer[Customer]):
    places = PlaceOut(many=True, read_only=True)

    class Meta:
        model = Customer
        fields = ["id", "customer_number", "name", "phone", "email", "preferred_channel", "mailing_address", "places"]


# What only staff read (the page hides the same for consumers, through the same permission row).
INTERNAL_FIELDS = frozenset(
    {"assignee", "department", "needs_attention", "kind_confirmed", "contact_name", "contact_email", "contact_phone"}
)


class ComplaintOut(serializers.ModelSerializer[Complaint]):
    """A complaint as its reader may see it: pass `context={"actor": actor}`; without an actor allowed
    `complaint.view_internal`, the internal fields are left out."""

    def to_representation(self, instance: Complaint) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        actor = self.context.get("actor")
        if actor is None or not can(actor, "complaint.view_internal"):
            for name in INTERNAL_FIELDS:
                data.pop(name, None)
        return data

    # Left out for readers who may not see them: the schema does not promise them to everyone.
    schema_optional = INTERNAL_FIELDS

    customer_number = serializers.CharField(
        source="customer.customer_number", default=None, allow_null=True, read_only=True
    )
    assignee = serializers.CharField(source="assignee.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "status",
            "channel",
            "received_at",
            "kind",
            "kind_confirmed",
            "category",
            "subject",
            "customer_number",
            "place",
            "reply_channel",
            "assignee",
            "department",
            "answer_due",
            "decision",
            "needs_attention",
        ]


class ComplaintPageOut(serializers.Serializer[dict[str, object]]):
    """One page of the complaint list (limit and offset)."""

    count = serializers.IntegerField(help_text="complaints in the whole list")
    next = serializers.URLField(allow_null=True, help_text="the next page, or null on the last")
    previous = serializers.URLField(allow_null=True, help_text="the page before, or null on the first")
    results = ComplaintOut(many=True)


class TimelineOut(serializers.ModelSerializer[TimelineEntry]):
    class Meta:
        model = TimelineEntry
        fields = ["entry_type", "channel", "author_label", "body", "data", "created_at"]


class StrictIn(serializers.Serializer[dict[str, object]]):
    """Input that names an unknown field is refused: a misspelt "customer" must not register an
    unidentified complaint without a word. Nested input too (`given`): checked on the data each
    serializer is given, not on the request's top level alone."""

    refuses_unknown_fields = True  # the OpenAPI schema says so (api/schema.py)
    # Names that are no field here but go on to the service, which refuses them with its own reason.
    passed_on: frozenset[str] = frozenset()

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields) - self.passed_on) if isinstance(data, Mapping) else []
        errors = {name: [serializers.ErrorDetail("Unknown field.", code="unknown_field")] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if errors and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **errors}) from exc
            raise
        if errors:
            raise serializers.ValidationError(errors)
        return value


class IdentifyingFacts(StrictIn):
    """The facts on a form that identify the customer, the place or the product: given at registration, and
    correctable afterwards as the edit matrix allows."""

    given_customer_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    place_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    mailing_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    serial_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    product_model = serializers.CharField(max_length=120, required=False, allow_blank=True)
    ticket_number = serializers.CharField(max_length=60, required=False, allow_blank=True)


class GivenFields(IdentifyingFacts):
    """What the complainant gave on a form, field by field (seed 000's form; seed 002's service and
    product complaints)."""

    acting_for = serializers.CharField(max_length=200, required=False, allow_blank=True)
    earlier_contacts = serializers.CharField(required=False, allow_blank=True)
    proposed_solution = serializers.CharField(required=False, allow_blank=True)


class ComplaintDetailOut(ComplaintOut):
    given = serializers.SerializerMethodField()
    description = serializers.CharField()
    contact_name = serializers.CharField()
    contact_email = serializers.CharField()
    contact_phone = serializers.CharField()
    timeline = TimelineOut(many=True, read_only=True)

    class Meta(ComplaintOut.Meta):
        fields = [
            *ComplaintOut.Meta.fields,
            "description",
            "contact_name",
            "contact_email",
            "contact_phone",
            "given",
            "timeline",
        ]

    @extend_schema_field(GivenFields)
    def get_given(self, instance: Complaint) -> dict[str, str]:
        return {name: getattr(instance, name) for name in GIVEN_FIELDS}


class ComplaintIn(StrictIn):
    channel = serializers.ChoiceField(choices=Channel.choices)
    subject = serializers.CharField(max_length=300)
    description = serializers.CharField(allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.COMPLAINT)
    category = serializers.ChoiceField(choices=Category.choices, default=Category.OTHER)
    customer_number = serializers.CharField(required=False, allow_blank=True)
    place_id = serializers.IntegerField(required=False)
    contact_name = serializers.CharField(required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(required=False, allow_blank=True, default="")
    reply_channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    given = GivenFields(required=False)


class ComplaintChangeIn(IdentifyingFacts):
    """A person's correction of a complaint after registration: only the fields that change, and why. Who may
    change which field, and when, is the supplier's edit matrix; the originals (the customer's own
    `description`, what they wrote on the form, the receipt) are refused with 403 and the reason."""

    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=300, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    reply_channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)

    # An original named here is no typo: the service refuses it with its reason (403), not as unknown.
    passed_on = frozenset(ORIGINALS["complaint"])


class TransitionIn(StrictIn):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS_BY_NAME))
    text = serializers.CharField(required=False, allow_blank=True, default="")
    assignee_id = serializers.IntegerField(required=False)
    decision = serializers.ChoiceField(
        choices=Decision.choices,
        required=False,
        help_text="required with `answer`: partly upheld or rejected, the answer names the remedies",
    )

    def validate(self, attrs: Any) -> Any:
        attrs = super().validate(attrs)
        t = TRANSITIONS_BY_NAME[attrs["action"]]
        if t.decides and not attrs.get("decision"):
            raise serializers.ValidationError(
                {"decision": "Required with this action: upheld, partly_upheld or rejected."}
            )
        if not t.decides and attrs.get("decision"):
            raise serializers.ValidationError({"decision": "Only an answer states a decision."})
        return attrs


class NoteIn(StrictIn):
    text = serializers.CharField()


class MessageIn(StrictIn):
    text = serializers.CharField()


class IdentifyIn(StrictIn):
    query = serializers.CharField(max_length=60, help_text="customer id or meter serial number")


class DeadlineIn(StrictIn):
    action = serializers.ChoiceField(choices=["acknowledge", "progress", "extend", "reschedule"])
    text = serializers.CharField(required=False, allow_blank=True, default="")
    days = serializers.IntegerField(required=False, min_value=1, max_value=365)
    reason = serializers.ChoiceField(choices=list(EXTENSION_REASON_NAMES), required=False)
    new_date = serializers.DateField(required=False)


class DeadlineStepOut(serializers.Serializer[dict[str, object]]):
    name = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    state = serializers.CharField()
    days_left = serializers.IntegerField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)


class ExtensionRequestOut(serializers.Serializer[dict[str, object]]):
    """Where the supplier wants four eyes, an extension is a request a supervisor decides."""

    extension_request = serializers.IntegerField(help_text="the request's id")
    state = serializers.CharField()


class TokenOut(serializers.Serializer[dict[str, str]]):
    token = serializers.CharField(help_text="send it as `Authorization: Token <token>`; shown this once")


class AttachmentOut(serializers.ModelSerializer[Attachment]):
    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "sha256", "created_at"]


class CustomerIn(StrictIn):
    customer_number = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    preferred_channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL)
    mailing_address = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(required=False, allow_blank=True, default="")
    city = serializers.CharField(required=False, allow_blank=True, default="")
    region = serializers.CharField(required=False, allow_blank=True, default="")
    service_type = serializers.CharField(required=False, allow_blank=True, default="")
    meter_serials = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)
