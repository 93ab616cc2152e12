"""The code an authenticator app shows for a TOTP secret, as the tests type it."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

MARGIN = 3  # seconds the code must stay valid: the server checks it a moment after it is taken


def totp_code(secret: str) -> str:
    """The current code, taken at least MARGIN seconds before its period ends.

    allauth accepts the code of the current period only (MFA_TOTP_TOLERANCE 0): a code taken at
    29.99 s and checked at 30.01 s is refused, so a test near the boundary waits for the next period.
    """
    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < MARGIN:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
