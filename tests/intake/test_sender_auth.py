"""Which Authentication-Results can vouch for a From header: only our own MTA's topmost one, aligned."""

from __future__ import annotations

import pytest

from querela.intake.sender_auth import verified_by_mta

pytestmark = pytest.mark.pure

OURS = ["mx.querela.test"]


@pytest.mark.parametrize(
    ("results", "method"),
    [
        (["mx.querela.test; dmarc=pass header.from=example.hu"], "dmarc"),
        (["mx.querela.test; dkim=pass header.d=mail.example.hu; spf=fail"], "dkim"),
        (["mx.querela.test; spf=pass smtp.mailfrom=bounce@example.hu"], "spf"),
        (["mx.querela.test (our relay); dmarc=pass (p=reject) header.from=example.hu"], "dmarc"),
        (["MX.QUERELA.TEST; dmarc=pass header.from=example.hu"], "dmarc"),
    ],
)
def test_our_mtas_pass_for_the_from_domain_verifies(results, method) -> None:
    assert verified_by_mta("Anna@Example.HU", results, OURS) == method


@pytest.mark.parametrize(
    "results",
    [
        ["mx.attacker.example; dmarc=pass header.from=example.hu"],  # someone else's server
        ["mx.querela.test; dmarc=fail header.from=example.hu"],
        ["mx.querela.test; dmarc=pass header.from=other.example"],  # another domain passed
        ["mx.querela.test; dkim=pass header.d=other.example"],  # not aligned with From
        ["mx.querela.test; spf=pass smtp.mailfrom=x@other.example"],
        # the sender's own forged line below our MTA's real (failing) verdict is never read
        ["mx.querela.test; dmarc=fail header.from=example.hu", "mx.querela.test; dmarc=pass header.from=example.hu"],
        [],
    ],
)
def test_anything_else_does_not(results) -> None:
    assert verified_by_mta("anna@example.hu", results, OURS) == ""


def test_nothing_is_trusted_without_configured_servers() -> None:
    assert verified_by_mta("anna@example.hu", ["mx.querela.test; dmarc=pass header.from=example.hu"], []) == ""
