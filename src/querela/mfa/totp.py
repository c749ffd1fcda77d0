"""Time-based one-time codes (RFC 6238, as every authenticator app makes them): 6 digits, a new one every
30 seconds. A code of the step before or after now is taken too (pyotp's `valid_window=1`: a phone's clock
a little off, a code typed as it changed); which step matched is returned, so the caller can refuse a code
of a step already used."""

from __future__ import annotations

import hmac
import re

import pyotp

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps either side of now


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """What the QR code holds: `otpauth://totp/Issuer:account?secret=…&issuer=Issuer`."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def step_at(moment: float) -> int:
    return int(moment // STEP_SECONDS)


def code_at(secret: str, moment: float) -> str:
    """The code an authenticator app shows at this moment (tests and the demo use it)."""
    return pyotp.TOTP(secret).at(moment)


def matching_step(secret: str, code: str, moment: float, *, after: int = 0) -> int | None:
    """The time step (later than `after`) whose code this is, within the window around `moment`; else None."""
    typed = re.sub(r"\s", "", code)
    if not re.fullmatch(rf"\d{{{DIGITS}}}", typed):
        return None
    totp = pyotp.TOTP(secret)
    now = step_at(moment)
    for step in range(now - WINDOW, now + WINDOW + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None
