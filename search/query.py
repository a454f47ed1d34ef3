"""Searching the index: one query over every record type, ranked, with snippets.

Two matchers share one interface, ``search()``:

* PostgreSQL: full-text search (``english`` stemming) over a stored, weighted
  ``tsvector`` (title A, summary B, body C) with a GIN index; ``SearchRank``
  ordering; ``SearchHeadline`` snippets; typo tolerance from ``pg_trgm`` word
  similarity on titles (GIN-indexed) which yields a "did you mean".
* Anything else (SQLite in development): every word must appear in the title,
  summary or body (``icontains``); title matches rank first; "did you mean" from
  the same title vocabulary.

Both order their matches the same way first (``relevance_tier``): a record
whose name *is* the query, then one whose name is the query with an acronym
("MIRI" → "Machine Intelligence Research Institute (MIRI)"), then names that
start with the phrase, contain it, start with it as a prefix ("interp"), hold
every word; shorter names first within a tier; then each matcher's own rank.
On PostgreSQL the last word also matches as a prefix (``interp`` finds
"interpretability") when the words as typed match nothing. A query word that
names a record type ("guide for researchers", "anthropic programs") puts that
type first and is not itself searched for. The judged query set in
``bench/search_judgments.json`` measures all this (``bench/search_relevance.py``).

Snippets are built so editor text can never inject HTML: the text is escaped
first and only then are the highlight sentinels turned into ``<mark>`` tags.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat, Greatest, Length
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core import registry

from .indexing import SEARCH_CONFIG, _is_postgresql, clean_text

# Longer queries are cut to this many characters (and the page says so).
MAX_QUERY_LENGTH = 200
# At most this many words are used for the simple matcher and for suggestions.
MAX_QUERY_WORDS = 12
RESULTS_PER_PAGE = 20
# Words shorter than this are never "corrected".
MIN_SUGGEST_WORD_LENGTH = 4
# How close (difflib ratio) a vocabulary word must be to replace a query word.
SUGGEST_SIMILARITY = 0.75
# pg_trgm word similarity a title needs to supply suggestion candidates (default 0.6).
TRIGRAM_THRESHOLD = 0.4

# Highlight sentinels: private-use characters, stripped from all indexed text
# (``indexing.clean_text``), so any that come back from ts_headline were put
# there by PostgreSQL.
START_SEL = "\ue000"
STOP_SEL = "\ue001"
_HIGHLIGHT_RE = re.compile(f"{START_SEL}(.*?){STOP_SEL}", re.DOTALL)
_WHITESPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+")
# Letters and digits only: what goes into regular expressions and raw tsqueries.
_PLAIN_WORD_RE = re.compile(r"[^\W_]+")

# Relevance tiers (higher first); see the module docstring.
TIER_EXACT = 100
TIER_NAME = 90  # the query is the name before, or the acronym in, brackets
TIER_NAME_STARTS = 80
TIER_NAME_PHRASE = 70
TIER_NAME_PREFIX = 65
TIER_NAME_WORDS = 60
# Prefix matching (PostgreSQL) needs a last word at least this long.
MIN_PREFIX_LENGTH = 3


@dataclass(frozen=True)
class CleanQuery:
    text: str
    truncated: bool = False


def clean_query(raw) -> CleanQuery:
    """Make any user input a safe query: no NUL/control chars, single spaces, capped."""
    text = _WHITESPACE_RE.sub(" ", clean_text(raw or "")).strip()
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rstrip()
    return CleanQuery(text, truncated)


def query_words(text: str) -> list[str]:
    """Whitespace-separated terms, outer punctuation removed (``"safety"`` → safety)."""
    words = []
    for token in text.split():
        word = token.strip(string.punctuation + "“”‘’«»") or token
        if word not in words:
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def has_operators(text: str) -> bool:
    """Quotes, an excluded word (``-economics``) or ``or``: websearch syntax in use."""
    return '"' in text or any(t.startswith("-") or t.lower() == "or" for t in text.split())


def positive_words(text: str) -> list[str]:
    """The words a reader wants found: no operators, excluded words or punctuation."""
    words = []
    for token in text.split():
        if token.startswith("-") or token.lower() == "or":
            continue
        words.extend(_PLAIN_WORD_RE.findall(token))
    return words[:MAX_QUERY_WORDS]


def type_hint(text: str) -> tuple[str | None, str]:
    """A word naming a record type, as ``(type slug, the query without it)``.

    "guide for researchers" → ``("guide", "for researchers")``. Only for queries of
    two or more words without search operators, so "guides" alone is searched for.
    """
    tokens = text.split()
    if len(tokens) < 2 or has_operators(text):
        return None, text
    names = {}
    for record_type in registry.record_types():
        for name in (record_type.slug, record_type.listing):
            if _PLAIN_WORD_RE.fullmatch(name):
                names[name.lower()] = record_type.slug
    for i, token in enumerate(tokens):
        slug = names.get(token.lower())
        if slug:
            return slug, " ".join(tokens[:i] + tokens[i + 1 :])
    return None, text


def relevance_tier(text: str, boundary: str, name_guard: Q | None = None):
    """How well the record's name matches ``text``: ``TIER_* × 1000``, less the name's length.

    ``boundary`` is the database's word-boundary escape in regular expressions
    (``\\b`` in Python's ``re``, which SQLite uses; ``\\y`` in PostgreSQL).
    Words are letters and digits only, so they need no escaping; any run of
    other characters between them matches (``mesa optimization`` finds
    "Mesa-Optimization"). Within a tier a shorter name scores higher ("AI
    Control" before "Human Compatible: … the Problem of Control").

    Cost: the regular expressions run only on names that contain every word
    (``name_guard``, a cheaper test first, inside a ``CASE``, which evaluates
    in order), so a broad query matching thousands of records does not run
    them thousands of times. The default guard is ``ILIKE`` on the name;
    PostgreSQL passes a test of the stored vector's title (weight A) lexemes.
    """
    words = positive_words(text)
    if not words:
        return Value(0, output_field=IntegerField())
    b = boundary
    phrase = r"\W+".join(words)
    contains_every_word = Q()
    every_word_starts = Q()
    for word in words:
        contains_every_word &= Q(title__icontains=word)
        every_word_starts &= Q(title__iregex=f"{b}{word}")

    def score(tier):
        return Value(tier * 1000) - Length("title")

    name_tiers = Case(
        When(title__iregex=rf"^\W*{phrase}\W*$", then=score(TIER_EXACT)),
        When(title__iregex=rf"^{phrase}\s*\(|\({phrase}\)", then=score(TIER_NAME)),
        When(title__iregex=rf"^{phrase}{b}", then=score(TIER_NAME_STARTS)),
        When(title__iregex=rf"{b}{phrase}{b}", then=score(TIER_NAME_PHRASE)),
        When(title__iregex=rf"^{phrase}", then=score(TIER_NAME_PREFIX)),
        When(every_word_starts, then=score(TIER_NAME_WORDS)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return Case(
        When(name_guard if name_guard is not None else contains_every_word, then=name_tiers),
        default=Value(0),
        output_field=IntegerField(),
    )


def order_by_relevance(queryset, text, boundary, prefer_type=None, name_guard=None):
    """Annotate ``tier`` and order: preferred type, tier, ``rank``, title."""
    preferred = (
        Case(When(record_type=prefer_type, then=Value(1)), default=Value(0))
        if prefer_type
        else Value(0)
    )
    return queryset.annotate(
        preferred=preferred, tier=relevance_tier(text, boundary, name_guard)
    ).order_by("-preferred", "-tier", "-rank", "title", "pk")


def highlight(text: str) -> SafeString:
    """Escape ``text``, then turn sentinel-delimited spans into ``<mark>``."""
    escaped = escape(text or "")
    marked = _HIGHLIGHT_RE.sub(r"<mark>\1</mark>", escaped)
    # Safe: everything but the <mark> tags added here was escaped above.
    return mark_safe(marked.replace(START_SEL, "").replace(STOP_SEL, ""))


def correct_words(words: list[str], vocabulary: Iterable[str]) -> str | None:
    """Replace each unknown word by its closest vocabulary word; None if nothing changed.

    Closeness is difflib's ratio, which forgives a dropped, added or swapped letter
    ("interpretabilty", "alignmnet") better than trigram overlap does.
    """
    known = {w.lower() for w in vocabulary if len(w) >= MIN_SUGGEST_WORD_LENGTH - 1}
    candidates = sorted(known)  # a stable order, so ties always resolve the same way
    corrected, changed = [], False
    for word in words:
        lower = word.lower()
        best = None
        if len(lower) >= MIN_SUGGEST_WORD_LENGTH and lower not in known:
            matches = difflib.get_close_matches(lower, candidates, n=1, cutoff=SUGGEST_SIMILARITY)
            best = matches[0] if matches else None
        corrected.append(best or word)
        changed = changed or best is not None
    return " ".join(corrected) if changed else None


@dataclass(frozen=True)
class Hit:
    record_type: str
    type_label: str
    title: str
    url: str
    snippet: SafeString


@dataclass
class SearchResults:
    """Everything the results page needs; ``entries`` is an unsliced, ordered queryset."""

    query: str
    record_type: str | None
    counts: dict[str, int]
    entries: object  # QuerySet[SearchEntry]
    backend: object = field(repr=False)
    # Set when the query had no match and a corrected query did.
    corrected_from: str | None = None
    # A corrected query to offer as a link ("did you mean").
    suggestion: str | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def count(self) -> int:
        return self.counts.get(self.record_type, 0) if self.record_type else self.total

    def hits(self, entries) -> list[Hit]:
        """Results for one page of ``entries``, with highlighted snippets."""
        entries = list(entries)
        snippets = self.backend.snippets(entries, self.query)
        return [
            Hit(
                record_type=e.record_type,
                type_label=registry.get(e.record_type).display_label,
                title=e.title,
                url=e.url,
                snippet=snippets.get(e.pk) or highlight(e.summary),
            )
            for e in entries
        ]


class PostgresBackend:
    """Full-text search with stemming, ranking, headlines and trigram suggestions."""

    # Entry fields the snippets need besides the basics (headlines are computed in SQL).
    snippet_fields = ()

    word_boundary = r"\y"

    def __init__(self, prefix: bool = False):
        self.prefix = prefix

    def prefix_matching(self) -> PostgresBackend | None:
        """This matcher with the last word matched as a prefix (``interp`` → interpretability).

        Used when the words as typed match nothing: or'ing the prefix into every
        query would double the ranking work of a broad query for no gain.
        """
        return None if self.prefix else PostgresBackend(prefix=True)

    def _query(self, text):
        """The websearch query; with ``prefix``, or'ed with a prefix match of its last word."""
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        words = positive_words(text)
        if (
            self.prefix
            and words
            and not has_operators(text)
            and len(words[-1]) >= MIN_PREFIX_LENGTH
        ):
            # Letters and digits only (``positive_words``): nothing here is tsquery syntax.
            prefix = " & ".join([*words[:-1], f"{words[-1]}:*"])
            query |= SearchQuery(prefix, config=SEARCH_CONFIG, search_type="raw")
        return query

    def matches(self, queryset, text, prefer_type=None):
        query = self._query(text)
        matched = queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )
        return order_by_relevance(
            matched, text, self.word_boundary, prefer_type, self._title_guard(text)
        )

    def _title_guard(self, text):
        """Every word (stemmed, or as a prefix) among the title's lexemes: weight A."""
        words = positive_words(text)
        if not words:
            return None
        # Letters and digits only (``positive_words``): nothing here is tsquery syntax.
        raw = " & ".join(f"{word}:*A" for word in words)
        return Q(search_vector=SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw"))

    def count_matches(self, queryset, text):
        return queryset.filter(search_vector=self._query(text))

    def with_snippets(self, entries, text):
        """Add the ``SearchHeadline`` to the ranked query itself.

        ts_headline is costly, so PostgreSQL evaluates it after the sort and the
        LIMIT — for the rows of one page only — and no extra query is needed.
        """
        return entries.annotate(
            headline=SearchHeadline(
                Concat("summary", Value(" \n"), "body", output_field=TextField()),
                self._query(text),
                config=SEARCH_CONFIG,
                start_sel=START_SEL,
                stop_sel=STOP_SEL,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )

    def snippets(self, entries, text) -> dict[int, SafeString]:
        return {e.pk: highlight(e.headline) for e in entries if getattr(e, "headline", None)}

    def vocabulary(self, published, words) -> list[str]:
        """Words from titles that are trigram-similar to any query word (GIN-indexed)."""
        words = [w for w in words if len(w) >= MIN_SUGGEST_WORD_LENGTH]
        if not words:
            return []
        condition = Q()
        for word in words:
            condition |= Q(title__trigram_word_similar=word)
        similarities = [TrigramWordSimilarity(w, "title") for w in words]
        similarity = Greatest(*similarities) if len(similarities) > 1 else similarities[0]
        titles = (
            published.filter(condition)
            .annotate(similarity=similarity)
            .order_by("-similarity")
            .values_list("title", flat=True)[:20]
        )
        # The GIN-indexed ``%>`` operator compares with this setting. It is set for
        # the session (one round trip, no transaction needed); it only affects
        # pg_trgm operators, which nothing but this method uses.
        with connections[published.db].cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(TRIGRAM_THRESHOLD)],
            )
        titles = list(titles)
        return [w for title in titles for w in _WORD_RE.findall(title)]


class SimpleBackend:
    """Portable matcher (SQLite): every word in the title, summary or body."""

    snippet_fields = ("body",)

    def with_snippets(self, entries, text):
        return entries  # snippets are cut in Python from the body

    word_boundary = r"\b"

    def prefix_matching(self):
        return None  # every word is a substring match already

    def count_matches(self, queryset, text):
        words = query_words(text)
        if not words:
            return queryset.none()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return queryset

    def matches(self, queryset, text, prefer_type=None):
        words = query_words(text)
        score = Value(0)
        for word in words:
            score = (
                score
                + Case(When(title__icontains=word, then=Value(4)), default=Value(0))
                + Case(When(summary__icontains=word, then=Value(2)), default=Value(0))
            )
        matched = self.count_matches(queryset, text).annotate(rank=score)
        return order_by_relevance(matched, text, self.word_boundary, prefer_type)

    def snippets(self, entries, text) -> dict[int, SafeString]:
        words = [w for w in query_words(text) if w]
        if not words:
            return {}
        pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
        result = {}
        for entry in entries:
            document = f"{entry.summary} {entry.body}".strip()
            match = pattern.search(document)
            start = max(0, (match.start() if match else 0) - 80)
            window = document[start : start + 240]
            if start:
                window = "…" + window.split(" ", 1)[-1]
            if start + 240 < len(document):
                window = window.rsplit(" ", 1)[0] + "…"
            marked = pattern.sub(lambda m: f"{START_SEL}{m.group(0)}{STOP_SEL}", window)
            result[entry.pk] = highlight(marked)
        return result

    def vocabulary(self, published, words) -> list[str]:
        titles = published.values_list("title", flat=True)[:5000]
        return [w for title in titles for w in _WORD_RE.findall(title)]


def get_backend(using="default"):
    return PostgresBackend() if _is_postgresql(using) else SimpleBackend()


def _facet_counts(queryset) -> dict[str, int]:
    rows = queryset.order_by().values("record_type").annotate(n=Count("pk"))
    return {row["record_type"]: row["n"] for row in rows}


def search(text: str, record_type: str | None = None) -> SearchResults:
    """Search published records of every type (or of ``record_type``).

    ``text`` should come from ``clean_query``. If nothing matches and a spelling
    correction does, the results are for the correction (``corrected_from`` is
    set); otherwise a correction is only offered as ``suggestion``.
    """
    from .models import SearchEntry

    if registry.get(record_type or "") is None:
        record_type = None
    backend = get_backend(SearchEntry.objects.db)
    published = SearchEntry.objects.published()
    fields = ("record_type", "object_id", "title", "summary", "url", *backend.snippet_fields)

    def run(query_text, prefer_type=None, matcher=backend):
        matched = matcher.matches(published, query_text, prefer_type).only(*fields)
        counts = _facet_counts(matcher.count_matches(published, query_text))
        entries = matched.filter(record_type=record_type) if record_type else matched
        entries = matcher.with_snippets(entries, query_text)
        return SearchResults(query_text, record_type, counts, entries, matcher)

    if not text:
        return SearchResults("", record_type, {}, published.none(), backend)
    hinted_type, rest = type_hint(text)
    if hinted_type and not record_type:
        # "guide for researchers": guides first, found by "for researchers".
        hinted = run(rest, hinted_type)
        if hinted.counts.get(hinted_type):
            return hinted
    results = run(text)
    if results.total:
        return results
    prefix_matcher = backend.prefix_matching()
    if prefix_matcher is not None:
        # Nothing for the words as typed: try the last one as the start of a word.
        prefixed = run(text, matcher=prefix_matcher)
        if prefixed.total:
            return prefixed
    suggestion = correct_words(query_words(text), backend.vocabulary(published, query_words(text)))
    if suggestion and suggestion.lower() != text.lower():
        corrected = run(suggestion)
        if corrected.total:
            corrected.corrected_from = text
            corrected.suggestion = suggestion
            return corrected
        results.suggestion = suggestion
    return results


def suggestions(text: str, limit: int = 8) -> list[dict]:
    """Type-ahead: published records whose name matches ``text``, best first.

    One query. The last word counts as the start of a word (on PostgreSQL with
    the prefix matcher; the simple matcher matches substrings anyway); records
    whose name holds none of the words are left out, so the list is of names.
    """
    from .models import SearchEntry

    words = positive_words(text)
    if not words:
        return []
    backend = get_backend(SearchEntry.objects.db)
    backend = backend.prefix_matching() or backend
    text = " ".join(words)
    entries = (
        backend.matches(SearchEntry.objects.published(), text)
        .filter(tier__gt=0)
        .only("record_type", "title", "url")[:limit]
    )
    return [
        {
            "title": entry.title,
            "type": registry.get(entry.record_type).display_label,
            "url": entry.url,
        }
        for entry in entries
    ]
