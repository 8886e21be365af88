"""The CPD learning record page and its CSV download."""

import csv
import datetime
import io
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import cpd

DEFAULT_YEARS = 1
MAX_YEARS = 5
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Browsers send ISO dates from a date input; the others are for typing by hand.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y"]
# A spreadsheet treats a cell starting with one of these as a formula to run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = [
    gettext_lazy("Date"),
    gettext_lazy("Type"),
    gettext_lazy("Title"),
    gettext_lazy("Link"),
    cpd.HEADINGS["what_i_did"],
    cpd.HEADINGS["what_i_learned"],
    cpd.HEADINGS["how_it_changed_my_practice"],
]


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    if day.year <= years:
        return datetime.date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class PeriodForm(forms.Form):
    """The period of the record: both days included, at most MAX_YEARS long."""

    start = forms.DateField(
        label=gettext_lazy("From"),
        input_formats=DATE_FORMATS,
        widget=DATE_INPUT,
        error_messages={
            "required": gettext_lazy("Enter the first day of the period."),
            "invalid": gettext_lazy(
                "Enter the first day of the period as a date, for example 1 April 2026."
            ),
        },
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        input_formats=DATE_FORMATS,
        widget=DATE_INPUT,
        error_messages={
            "required": gettext_lazy("Enter the last day of the period."),
            "invalid": gettext_lazy(
                "Enter the last day of the period as a date, for example 31 March 2027."
            ),
        },
    )

    @staticmethod
    def default_period() -> dict[str, str]:
        """The last twelve months ending today, as a date input sends them."""
        today = timezone.localdate()
        return {
            "start": years_before(today, DEFAULT_YEARS).isoformat(),
            "end": today.isoformat(),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(
                _(
                    "The end date is before the start date. Choose an end date on "
                    "or after the start date."
                )
            )
        if start and end and start < years_before(end, MAX_YEARS):
            raise forms.ValidationError(
                _(
                    "The period can be at most %(years)d years long. Choose a later "
                    "start date or an earlier end date, and download each period "
                    "separately if you need more."
                )
                % {"years": MAX_YEARS}
            )
        return cleaned


def csv_cell(value) -> str:
    """The value as text a spreadsheet shows rather than runs."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_response(rows: list[cpd.Row], start, end) -> HttpResponse:
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_cell(heading) for heading in CSV_HEADER)
    for row in rows:
        writer.writerow(
            csv_cell(value)
            for value in (
                row.date.isoformat(),
                row.kind,
                row.title,
                base_url + row.url,
                row.what_i_did,
                row.what_i_learned,
                row.how_it_changed_my_practice,
            )
        )
    # The byte order mark tells Excel the file is UTF-8.
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"learning-record-{start.isoformat()}-to-{end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def learning_record(request):
    """The signed-in person's learning record for a period, as a page or a CSV file."""
    chosen = {
        name: request.GET[name] for name in ("start", "end") if name in request.GET
    }
    form = PeriodForm({**PeriodForm.default_period(), **chosen}, label_suffix="")
    wanted = request.GET.get("format", "")
    format_error = ""
    if wanted not in ("", "html", "csv"):
        format_error = _(
            "The record can only be downloaded as a CSV file. Use the “Download as "
            "CSV” link, or print this page."
        )
    context = {"form": form, "format_error": format_error, "rows": None}
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        rows = cpd.learning_record(user=request.user, start=start, end=end)
        if wanted == "csv":
            return _csv_response(rows, start, end)
        query = {"start": start.isoformat(), "end": end.isoformat()}
        context.update(
            rows=rows,
            start=start,
            end=end,
            csv_query=urlencode({**query, "format": "csv"}),
            site_url=settings.WAGTAILADMIN_BASE_URL.rstrip("/"),
        )
    return render(request, "critique/learning_record.html", context)
