"""CSV and JSON downloads of a listing, filtered exactly as the page is.

``/organizations/export.csv?type=frontier-lab`` applies the listing page's own
FilterSet (``opendata.api.filters.filterset_for``) to ``published()`` records
and writes the API's fields. CSV cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) are prefixed
with ``'``.
"""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseBadRequest

from core import registry

from .api.filters import filterset_for
from .api.serializers import serializer_for

# Enough for every listing on the site; a bound keeps one request bounded.
EXPORT_LIMIT = 5000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Listing-page parameters that are not filters of the data.
NON_FILTER_PARAMS = ("page", "page_size")


def csv_safe(value) -> str:
    """A cell's text, defused when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        if all(isinstance(item, str | int | float) for item in value):
            value = "; ".join(str(item) for item in value)
        else:
            value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    elif isinstance(value, dict):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def filtered_records(request, record_type):
    """``(filterset, queryset)`` for the listing's filters over published records.

    The queryset is ``None`` when the filters do not validate.
    """
    model = record_type.model
    data = request.GET.copy()
    for name in NON_FILTER_PARAMS:
        data.pop(name, None)
    filterset_class = filterset_for(record_type)
    filterset = filterset_class(data, queryset=model.objects.published(), request=request)
    if not filterset.is_valid():
        return filterset, None
    return filterset, filterset.qs


def export_rows(request, record_type) -> tuple[list[str], list[dict]] | None:
    _filterset, queryset = filtered_records(request, record_type)
    if queryset is None:
        return None
    serializer_class = serializer_for(record_type)
    # Keep the page's order (e.g. its ``sort`` filter); the key makes it total.
    if not queryset.query.order_by:
        queryset = queryset.order_by(*record_type.model._meta.ordering)
    queryset = queryset.order_by(*queryset.query.order_by, "pk")
    queryset = serializer_class.optimize(queryset)[:EXPORT_LIMIT]
    data = serializer_class(queryset, many=True, context={"request": request}).data
    return list(serializer_class.Meta.fields), data


def listing_export(request, listing: str, fmt: str):
    record_type = registry.for_listing(listing)
    if record_type is None or fmt not in ("csv", "json"):
        raise Http404("No such listing.")
    result = export_rows(request, record_type)
    if result is None:
        return HttpResponseBadRequest(
            "These filters are not valid.", content_type="text/plain; charset=utf-8"
        )
    fields, rows = result
    filename = f"{listing}.{fmt}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # BOM: spreadsheet apps then read UTF-8 correctly.
        writer = csv.writer(response)
        writer.writerow(fields)
        for row in rows:
            writer.writerow([csv_safe(row.get(field)) for field in fields])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
