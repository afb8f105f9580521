"""The sales report's date range and grouping: a form (a preset, or a from and a to date, and
day, week or month), and the periods it covers.

Dates are days of the store's calendar (settings.TIME_ZONE), whatever time zone the person
looking at the admin has chosen: a day starts at midnight where the store is. Weeks start on
Monday (ISO weeks); the first and last period are cut to the range."""

import calendar
import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone

MAX_DAYS = 731  # two years: a comparison year on year, and no unbounded table or chart
EARLIEST = datetime.date(2000, 1, 1)

GROUPS = {"day": "Day", "week": "Week", "month": "Month"}
PRESETS = {
    "last_7": "Last 7 days",
    "last_30": "Last 30 days",
    "last_90": "Last 90 days",
    "this_month": "This month",
    "last_month": "Last month",
}
DEFAULT_PRESET = "last_30"
DEFAULT_GROUP = "day"


def store_today() -> datetime.date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def preset_dates(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day (both included) of `preset`, as seen on `today`."""
    if preset.startswith("last_") and preset[5:].isdigit():
        return today - datetime.timedelta(days=int(preset[5:]) - 1), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return last.replace(day=1), last
    raise ValueError(f"unknown preset {preset!r}")


def period_start(day: datetime.date, group: str) -> datetime.date:
    """The first day of the period of `group` that holds `day`."""
    if group == "week":
        return day - datetime.timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def _period_last(start: datetime.date, group: str) -> datetime.date:
    if group == "week":
        return start + datetime.timedelta(days=6)
    if group == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def span_label(first: datetime.date, last: datetime.date) -> str:
    """ "4 Nov 2026", "2–8 Nov 2026", "28 Oct – 3 Nov 2026", "28 Dec 2026 – 3 Jan 2027"."""
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day}–{last.day} {last:%b %Y}"


@dataclass(frozen=True)
class Period:
    """One row of the report: `key` is what the database groups by (the period's first day,
    which may be before the range), `first` and `last` the days of it inside the range."""

    key: datetime.date
    first: datetime.date
    last: datetime.date
    group: str

    @property
    def label(self) -> str:
        if self.group == "day":
            return f"{self.first:%a} {span_label(self.first, self.last)}"
        if self.group == "month" and (self.first, self.last) == (
            self.key,
            _period_last(self.key, "month"),
        ):
            return f"{self.first:%B %Y}"
        return span_label(self.first, self.last)

    @property
    def short_label(self) -> str:
        """For the chart's axis."""
        if self.group == "month":
            return f"{self.first:%b %Y}"
        return f"{self.first.day} {self.first:%b}"


@dataclass(frozen=True)
class ReportRange:
    first: datetime.date  # included
    last: datetime.date  # included
    group: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime.datetime:
        """The first instant of the range: midnight of its first day, where the store is."""
        return _midnight(self.first)

    @property
    def end(self) -> datetime.datetime:
        """The instant after the range: midnight after its last day, where the store is."""
        return _midnight(self.last + datetime.timedelta(days=1))

    def periods(self) -> list[Period]:
        result = []
        key = period_start(self.first, self.group)
        while key <= self.last:
            last = _period_last(key, self.group)
            result.append(
                Period(
                    key=key, first=max(key, self.first), last=min(last, self.last), group=self.group
                )
            )
            key = last + datetime.timedelta(days=1)
        return result

    @property
    def label(self) -> str:
        return span_label(self.first, self.last)

    def slug(self) -> str:
        return f"{self.first:%Y-%m-%d}-to-{self.last:%Y-%m-%d}-by-{self.group}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )


class DateInput(forms.DateInput):
    input_type = "date"


class ReportRangeForm(forms.Form):
    """A preset, or a custom range (`from` and `to`, both included), and the grouping. A
    preset wins over the dates; with neither, the default preset."""

    preset = forms.ChoiceField(
        label="Period", choices=[("", "Custom dates"), *PRESETS.items()], required=False
    )
    date_from = forms.DateField(label="From", required=False, widget=DateInput)
    date_to = forms.DateField(label="To", required=False, widget=DateInput)
    group = forms.ChoiceField(label="Group by", choices=list(GROUPS.items()), required=False)

    def __init__(self, data=None, *, today: datetime.date | None = None):
        self.today = today or store_today()
        # An untouched page (no parameters) shows the default preset.
        if not data or not any(data.get(name) for name in self.base_fields):
            data = {"preset": DEFAULT_PRESET, "group": DEFAULT_GROUP}
        super().__init__(data)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        preset = cleaned.get("preset")
        if preset:
            first, last = preset_dates(preset, self.today)
        else:
            first, last = cleaned.get("date_from"), cleaned.get("date_to")
            if not first or not last:
                raise forms.ValidationError("Choose a period, or both a from and a to date.")
        latest = self.today + datetime.timedelta(days=366)
        if first < EARLIEST or last > latest:
            raise forms.ValidationError(
                f"Choose dates between {EARLIEST:%d %b %Y} and {latest:%d %b %Y}."
            )
        if last < first:
            raise forms.ValidationError("The to date is before the from date.")
        if (last - first).days + 1 > MAX_DAYS:
            raise forms.ValidationError(
                f"Choose a range of at most {MAX_DAYS} days (two years); this one has "
                f"{(last - first).days + 1}."
            )
        cleaned["range"] = ReportRange(first, last, cleaned.get("group") or DEFAULT_GROUP)
        return cleaned

    @property
    def range(self) -> ReportRange:
        return self.cleaned_data["range"]
