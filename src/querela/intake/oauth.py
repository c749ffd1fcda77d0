"""OAuth2 refresh for polled mailboxes (RFC 6749 section 6): a fresh access token before the old one expires."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.utils.translation import gettext as _

from querela.core import clock

from .models import ImapMailbox

# Refresh this long before expiry: a poll that starts with a token about to die fails halfway.
MARGIN = timedelta(minutes=5)
TIMEOUT_SECONDS = 15


class OAuthRefreshFailed(Exception):
    pass


def needs_refresh(box: ImapMailbox) -> bool:
    if box.auth != "xoauth2" or not (box.oauth_refresh_token and box.oauth_token_url):
        return False
    return box.oauth_expires_at is None or box.oauth_expires_at <= clock.now() + MARGIN


def refresh_access_token(box: ImapMailbox) -> None:
    """Ask the provider for a new access token and keep it (and a rotated refresh token) on the mailbox."""
    form = {
        "grant_type": "refresh_token",
        "refresh_token": box.oauth_refresh_token,
        "client_id": box.oauth_client_id,
    }
    if box.oauth_client_secret:
        form["client_secret"] = box.oauth_client_secret
    request = urllib.request.Request(  # noqa: S310  (the administrator configures an https token URL)
        box.oauth_token_url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:300]
        raise OAuthRefreshFailed(
            _("The mail provider refused to renew the access token (HTTP %(code)s): %(detail)s")
            % {"code": exc.code, "detail": detail}
        ) from exc
    except (OSError, ValueError) as exc:
        raise OAuthRefreshFailed(
            _("The mail provider's token address could not be reached: %(error)s") % {"error": exc}
        ) from exc
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if not token:
        raise OAuthRefreshFailed(_("The mail provider answered without an access token."))
    box.secret = str(token)
    box.oauth_expires_at = clock.now() + timedelta(seconds=int(payload.get("expires_in", 3600)))
    box.oauth_refresh_token = str(payload.get("refresh_token") or box.oauth_refresh_token)
    ImapMailbox.objects.filter(pk=box.pk).update(
        secret=box.secret, oauth_expires_at=box.oauth_expires_at, oauth_refresh_token=box.oauth_refresh_token
    )
