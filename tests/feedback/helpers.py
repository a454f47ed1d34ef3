"""Records of any registered type, and valid reader posts, for the feedback tests."""

from __future__ import annotations

import inspect
import itertools
from html.parser import HTMLParser

import factory
from django.urls import reverse

from core import registry
from feedback import guard
from tests import factories
from tests.core.factories import ContentFactory

_counter = itertools.count(1)


def factory_for(model):
    """The project's factory for ``model``, else a plain published-record factory."""
    for _name, obj in inspect.getmembers(factories, inspect.isclass):
        if (
            issubclass(obj, factory.django.DjangoModelFactory)
            and not obj._meta.abstract
            and obj._meta.model is model
        ):
            return obj
    return type(
        f"{model.__name__}Factory", (ContentFactory,), {"Meta": type("Meta", (), {"model": model})}
    )


def published(record_type, **fields):
    """A published record of ``record_type`` (any registered type, the test Gadget too)."""
    n = next(_counter)
    fields.setdefault("name", f"Feedback record {n}")
    fields.setdefault("slug", f"feedback-record-{n}")
    return factory_for(record_type.model)(**fields)


def form_url(record, kind) -> str:
    record_type = registry.for_model(record)
    return reverse("feedback:form", args=[record_type.slug, record.pk, kind])


def started(record, seconds_ago=60) -> str:
    """A signed ``started`` value for a form rendered ``seconds_ago`` seconds ago."""
    record_type = registry.for_model(record)
    return guard.start_token(
        guard.record_key(record_type, record.pk), at=guard._now() - seconds_ago
    )


VALID = {
    "useful": {"answer": "no", "comment": "The salary figure looks old."},
    "outdated": {"part": "summary", "comment": "The summary is out of date."},
    "suggestion": {"part": "summary", "proposed_text": "A better summary."},
}


def form_data(record, kind, **overrides) -> dict:
    data = {"started": started(record), "leave_empty": "", **VALID[kind]}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def submit(client, record, kind, **overrides):
    return client.post(form_url(record, kind), form_data(record, kind, **overrides))


class _FormReader(HTMLParser):
    """What a browser would send for one ``<form id=…>`` (no button pressed)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._option = attrs
            if "selected" in attrs:
                self.data.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.data.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def browser_form_data(html: str, form_id: str) -> dict:
    """The fields of ``<form id=form_id>`` in ``html`` as the test client posts them."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}
