from __future__ import annotations

from rest_framework import serializers

from querela.complaints.models import Category, Complaint, Kind, TimelineEntry
from querela.complaints.workflow import TRANSITIONS_BY_NAME
from querela.customers.models import Channel, ConsumptionPlace, Customer, Meter


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


class ComplaintOut(serializers.ModelSerializer[Complaint]):
    customer_number = serializers.CharField(source="customer.customer_number", default=None, read_only=True)
    assignee = serializers.CharField(source="assignee.username", default=None, read_only=True)

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
            "needs_attention",
        ]


class TimelineOut(serializers.ModelSerializer[TimelineEntry]):
    class Meta:
        model = TimelineEntry
        fields = ["entry_type", "channel", "author_label", "body", "data", "created_at"]


class ComplaintDetailOut(ComplaintOut):
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
            "timeline",
        ]


class ComplaintIn(serializers.Serializer[dict[str, object]]):
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


class TransitionIn(serializers.Serializer[dict[str, object]]):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS_BY_NAME))
    text = serializers.CharField(required=False, allow_blank=True, default="")
    assignee_id = serializers.IntegerField(required=False)


class NoteIn(serializers.Serializer[dict[str, object]]):
    text = serializers.CharField()
