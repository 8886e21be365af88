from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from modelsearch.backends import get_search_backend

from evidence.models import EvidencePage
from forum.models import Experiment

from .forms import KINDS, SearchForm
from .selectors import search_everything

AUTOCOMPLETE_LIMIT = 8


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    data = form.valid_data() if form.is_bound else {}
    query = data.pop("q", "")
    page = request.GET.get("page")
    outcome = search_everything(q=query, page=page, **data) if query else None
    querystring = request.GET.copy()
    querystring.pop("page", None)
    if outcome and outcome.facets:
        _label_with_counts(form, outcome.facets)
    suggestion_url = None
    if outcome and outcome.suggestion:
        suggested = querystring.copy()
        suggested["q"] = outcome.suggestion
        suggestion_url = "?" + suggested.urlencode()
    kind_links = []
    if outcome and not outcome.failed:
        for kind, label in KINDS:
            if kind in outcome.counts:
                link = querystring.copy()
                link["kind"] = kind
                kind_links.append(
                    {
                        "kind": kind,
                        "label": label,
                        "count": outcome.counts[kind],
                        "url": "?" + link.urlencode(),
                        "current": kind == outcome.kind,
                    }
                )
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "query": query,
            "outcome": outcome,
            "kind_links": kind_links,
            "querystring": querystring.urlencode(),
            "truncated": getattr(form, "truncated", False),
            "suggestion_url": suggestion_url,
        },
    )


def _label_with_counts(form, facets: dict) -> None:
    """Show, beside each decision, age band and topic, how many matching experiments
    have it."""
    decisions = facets.get("decision", {})
    field = form.fields["decision"]
    field.choices = [
        (value, f"{label} ({decisions.get(value, 0)})" if value else label)
        for value, label in field.choices
    ]
    ages = facets.get("age", {})
    form.fields["age"].label_from_instance = lambda band: _with_count(
        band.label, ages.get(band.pk, 0)
    )
    topics = facets.get("topic", {})
    form.fields["topic"].label_from_instance = lambda topic: _with_count(
        topic.name, topics.get(topic.pk, 0)
    )


def _with_count(label: str, count: int) -> str:
    return ngettext(
        "%(label)s (%(count)s experiment)",
        "%(label)s (%(count)s experiments)",
        count,
    ) % {"label": label, "count": count}


@require_GET
def autocomplete(request):
    """Titles starting with what was typed, for the search box's suggestions (JSON)."""
    form = SearchForm(request.GET)
    query = form.valid_data().get("q", "") if form.is_bound else ""
    if len(query) < 2:
        return JsonResponse({"suggestions": []})
    suggestions = []
    backend = get_search_backend()
    try:
        for queryset in (
            EvidencePage.objects.live().public(),
            Experiment.objects.public(),
        ):
            for obj in backend.autocomplete(query, queryset)[:AUTOCOMPLETE_LIMIT]:
                url = (
                    obj.url if isinstance(obj, EvidencePage) else obj.get_absolute_url()
                )
                suggestions.append({"title": obj.title, "url": url})
    except Exception:
        suggestions = []
    return JsonResponse({"suggestions": suggestions[:AUTOCOMPLETE_LIMIT]})
