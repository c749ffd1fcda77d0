import pytest


@pytest.fixture(autouse=True)
def _mfa_required(settings) -> None:
    # The rest of the suite runs with two-step sign-in off (settings/test.py); here it is as installed.
    settings.QUERELA = {**settings.QUERELA, "MFA_REQUIRED_FOR_STAFF": True}
