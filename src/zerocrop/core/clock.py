"""The one "today" of the app: phases, windows and overdue counts all ask it."""

from datetime import date

from django.conf import settings
from django.utils import timezone


def today() -> date:
    """Today's date in the configured time zone, or ZEROCROP_TODAY for training and demos."""
    pretend = pretended_today()
    return pretend or timezone.localdate()


def pretended_today() -> date | None:
    """The configured date when the clock is not the real date (the top bar shows it), else None."""
    if not settings.ZEROCROP_TODAY:
        return None
    pretend = date.fromisoformat(settings.ZEROCROP_TODAY)
    return None if pretend == timezone.localdate() else pretend
