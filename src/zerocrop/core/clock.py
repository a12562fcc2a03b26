"""The one "today" of the app: phases, windows and overdue counts all ask it."""

from datetime import date, datetime

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


def now_on_the_clock() -> datetime:
    """The local time of day on the clock's day, to the minute: a form's default "when".

    In production it is simply now; on the demo's date a finding recorded "now" lands inside the
    campaign instead of years after it.
    """
    local = timezone.localtime().replace(second=0, microsecond=0)
    day = today()
    return local.replace(year=day.year, month=day.month, day=day.day)
