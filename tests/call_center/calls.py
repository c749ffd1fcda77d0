"""A call as the console makes it: started, the recording id told, the caller identified."""

from __future__ import annotations

from django.test import Client


def open_call(w, client: Client, *, identify: bool = True, recording_id: str = "") -> int:
    started = client.post(f"/t/{w.tenant.code}/calls/start/", {"recording_id": recording_id})
    assert started.status_code == 302, started.content[:300]
    call_id = int(started["Location"].rstrip("/").split("/")[-1])
    client.post(f"/t/{w.tenant.code}/calls/{call_id}/notice/")
    if identify:
        said = client.post(
            f"/t/{w.tenant.code}/calls/{call_id}/identify/", {"customer_number": w.customer.customer_number}
        )
        assert said.status_code == 302, said.content.decode()[-2000:]
    return call_id


def register_url(w, call_id: int) -> str:
    return f"/t/{w.tenant.code}/calls/{call_id}/register/"
