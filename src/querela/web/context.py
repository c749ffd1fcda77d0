from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from querela.complaints.selectors import today_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    actor = getattr(request, "actor", None)
    today = today_for(actor) if actor is not None and getattr(actor, "tenant", None) is not None else None
    return {"actor": actor, "tenant": getattr(request, "tenant", None), "today": today}
