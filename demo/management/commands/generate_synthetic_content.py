"""Generate a large, realistic synthetic content set for benchmarks and scale tests.

    manage.py generate_synthetic_content                 # full scale (see SIZES)
    manage.py generate_synthetic_content --scale 0.1     # a tenth of it
    manage.py generate_synthetic_content --flush --seed 7

At ``--scale 1`` it writes 10,000 organizations, 5,000 roles, 20,000 papers,
1,000 programs, 50 research agendas, 200 failure modes, 150 guides, 60
backgrounds and 100 cruxes, with their child rows (duties, qualifications, FAQ
entries, approaches, quick projects, guide steps, contributions, fits,
positions), the agendas' review fields and the programs' eligibility and
application windows, the many-to-many links between them and tags — every record
published, ``publish_at`` spread over the past two years. The same ``--seed``
gives the same records (names, slugs, text, links; not the timestamps).

Everything is written with ``bulk_create`` in batches (relations through their
through models, tags as taggit ``TaggedItem`` rows), so no signals run and no
revision history is written; afterwards the search index is rebuilt, the page
cache's content version is bumped and, on PostgreSQL, the tables are analysed.
Peak memory (``ru_maxrss``) and elapsed time are reported.

Synthetic records are recognisable by their slug, which ends in ``-syn<N>``.
Running the command when synthetic records already exist is refused unless
``--flush`` is given, which deletes them (and their rows in the link tables,
tags and search index) first; other records are never touched.
"""

import random
import resource
import sys
import time
from datetime import timedelta
from itertools import accumulate

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from careers.models import (
    Background,
    BackgroundAgendaFit,
    BackgroundContribution,
    BackgroundProgramFit,
    BackgroundRoleFit,
    CareerStage,
    Program,
    Qualification,
    Role,
    RoleCategory,
    RoleDuty,
    RoleFAQ,
)
from core import derived, progress, registry
from core.models import Status
from core.topics import rebuild_topic_counts
from guides.models import (
    AgendaApproach,
    AgendaQuickProject,
    AlignmentProblem,
    Crux,
    CruxPosition,
    FailureMode,
    Guide,
    GuideStep,
    Paper,
    ResearchAgenda,
)
from organizations.models import Organization, OrganizationType


def wordlist(text: str) -> list[str]:
    return text.split()


# Record counts at --scale 1, and the least of each at any scale.
SIZES = {
    "organizations": 10_000,
    "roles": 5_000,
    "papers": 20_000,
    "programs": 1_000,
    "agendas": 50,
    "failure_modes": 200,
    "guides": 150,
    "tags": 400,
    "backgrounds": 60,
    "cruxes": 100,
}
MINIMUM = {
    "organizations": 5,
    "roles": 5,
    "papers": 10,
    "programs": 3,
    "agendas": 3,
    "failure_modes": 3,
    "guides": 2,
    "tags": 8,
    "backgrounds": 2,
    "cruxes": 2,
}
# Child rows per parent.
DUTIES_PER_ROLE = 5
QUALIFICATIONS_PER_ROLE = 6
FAQS_PER_ROLE = 3
APPROACHES_PER_AGENDA = 4
QUICK_PROJECTS_PER_AGENDA = 3
CONTRIBUTIONS_PER_BACKGROUND = 4
POSITIONS_PER_CRUX = 3
# Editor-managed vocabularies (issue 14).
CAREER_STAGES = [
    ("student", "Student"),
    ("early-career", "Early career"),
    ("mid-career", "Mid-career"),
    ("senior", "Senior"),
]
ALIGNMENT_PROBLEMS = [
    ("value-is-fragile", "Value is fragile and hard to specify"),
    ("corrigibility-is-anti-natural", "Corrigibility is anti-natural"),
    ("goals-misgeneralize", "Goals misgeneralize out of distribution"),
    ("instrumental-convergence", "Instrumental convergence"),
    ("superintelligence-fools-supervisors", "Superintelligence can fool its supervisors"),
    ("boxed-agi-exfiltrates", "A boxed AGI might exfiltrate itself"),
    ("someone-else-deploys-first", "Someone else deploys unsafe systems first"),
]
STEPS_PER_GUIDE = 8

BATCH_SIZE = 1_000
SLUG_MARK = "-syn"
SLUG_REGEX = r"-syn[0-9]+$"

ORG_TYPES = [
    ("frontier-lab", "Frontier lab", "Frontier labs"),
    ("safety-nonprofit", "Safety nonprofit", "Safety nonprofits"),
    ("academic-group", "Academic group", "Academic groups"),
    ("government-institute", "Government institute", "Government institutes"),
    ("funder", "Funder", "Funders"),
    ("think-tank", "Think tank", "Think tanks"),
    ("startup", "Startup", "Startups"),
    ("field-builder", "Field-building organization", "Field-building organizations"),
]
ROLE_CATEGORIES = [
    "Research",
    "Engineering",
    "Policy",
    "Operations",
    "Communications",
    "Grantmaking",
    "Security",
    "Evaluations",
    "Field building",
    "Management",
    "Law",
    "Hardware",
]
TOPICS = wordlist("""interpretability alignment robustness oversight evaluation governance
corrigibility deception sycophancy honesty superposition features circuits probing
steering activations transformers scaling forecasting compute policy security
red-teaming jailbreaks backdoors control monitoring debate amplification reward
specification misgeneralization power-seeking agents autonomy cyber biosecurity
watermarking provenance unlearning distillation pretraining finetuning preferences
feedback verification benchmarks capabilities elicitation sandbagging collusion
coordination incentives standards audits liability insurance treaties""")
ADJECTIVES = wordlist("""Scalable Mechanistic Practical Robust Empirical Formal Open Applied
Frontier Adversarial Automated Cooperative Sparse Interpretable Honest Safe Global
Technical Strategic Long-term Careful Principled Independent Collaborative""")
ORG_NOUNS = wordlist("""Lab Institute Centre Foundation Group Project Initiative Collective Network
Alliance Council Research Labs Trust Partners Forum""")
PLACES = wordlist("""Cambridge Oxford London Berkeley Boston Toronto Montreal Zurich Berlin Paris
Amsterdam Stockholm Seattle Austin Singapore Tokyo Sydney Nairobi Bangalore""")
COUNTRIES = ["US", "GB", "CA", "DE", "FR", "CH", "NL", "SE", "SG", "JP", "AU", "KE", "IN", ""]
ROLE_TITLES = """Research Scientist|Research Engineer|Policy Analyst|Evaluations Engineer|
Operations Manager|Grantmaker|Security Engineer|Communications Lead|Program Manager|
Technical Writer|Red-Team Specialist|Interpretability Researcher|Alignment Researcher|
Governance Researcher|Hardware Engineer|Legal Counsel|Chief of Staff|Data Scientist|
Software Engineer|Field Builder""".replace("\n", "").split("|")
SENIORITY = ["", "Junior ", "Senior ", "Staff ", "Principal ", "Lead "]
PAPER_NOUNS = wordlist("""Approach Study Analysis Framework Benchmark Survey Method Evaluation Case
Perspective Report Agenda Review Critique Theory""")
FILLER = wordlist("""the a of and to in for on with as by at from that this is are was be have
model models system systems research work team people field study results method data
training human risk future safe approach question problem early large small new open
hard simple general practical empirical technical careful useful important recent
current across between within through over about more most learn build measure
understand test show find propose argue""")
AUTHORS = """Ada Lovelace|Alan Turing|Grace Hopper|Claude Shannon|Norbert Wiener|
John McCarthy|Marvin Minsky|Herbert Simon|Judea Pearl|Barbara Liskov|Donald Knuth|
Frances Allen|Leslie Lamport|Radia Perlman|Shafi Goldwasser|Silvio Micali|
Tim Berners-Lee|Edsger Dijkstra|Margaret Hamilton|Karen Sparck Jones""".replace("\n", "").split("|")
VENUES = ["NeurIPS", "ICML", "ICLR", "arXiv", "AAAI", "FAccT", "Alignment Forum", "blog", ""]


def scaled(scale: float) -> dict[str, int]:
    return {key: max(MINIMUM[key], round(size * scale)) for key, size in SIZES.items()}


class Text:
    """Deterministic filler text from one ``random.Random``."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        # Topic words follow a Zipf-like law: a few are everywhere, most are rarer.
        self.topic_weights = list(accumulate(1 / (i + 1) for i in range(len(TOPICS))))

    def topic(self) -> str:
        return self.rng.choices(TOPICS, cum_weights=self.topic_weights)[0]

    def words(self, n: int) -> str:
        rng = self.rng
        return " ".join(
            self.topic() if rng.random() < 0.3 else rng.choice(FILLER) for _ in range(n)
        )

    def sentence(self, n: int = 14) -> str:
        return self.words(n).capitalize() + "."

    def paragraph(self, sentences: int = 4) -> str:
        return " ".join(self.sentence(self.rng.randint(8, 18)) for _ in range(sentences))

    def markdown(self, paragraphs: int = 2) -> str:
        parts = [self.paragraph(self.rng.randint(2, 5)) for _ in range(paragraphs)]
        if self.rng.random() < 0.5:
            parts.insert(
                1, "\n".join(f"- **{self.topic()}**: {self.sentence(8)}" for _ in range(3))
            )
        return "\n\n".join(parts)


class Command(BaseCommand):
    help = "Generate a large synthetic content set (bulk_create; all records published)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1.0 = 10,000 organizations, 5,000 roles, 20,000 papers… (default 1.0)",
        )
        parser.add_argument("--seed", type=int, default=2024, help="Random seed (default 2024).")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete existing synthetic records (slug ending in -syn<N>) first.",
        )
        parser.add_argument(
            "--skip-search-index",
            action="store_true",
            help="Do not rebuild the search index afterwards (the topic counts are rebuilt).",
        )

    # ------------------------------------------------------------------ driver

    def handle(self, *args, **options):
        # A progress line per bulk insert when stdout is a terminal; quiet otherwise.
        with progress.reporting(self, options["verbosity"]):
            self.generate(options)

    def generate(self, options):
        scale = options["scale"]
        if not 0 < scale <= 20:
            raise CommandError("--scale must be between 0 and 20.")
        started = time.perf_counter()
        self.rng = random.Random(options["seed"])  # noqa: S311 (not for secrets)
        self.text = Text(self.rng)
        self.now = timezone.now()
        self.sizes = scaled(scale)
        self.verbose = options["verbosity"] >= 1
        self.written: dict[str, int] = {}
        self.link_targets: list[str] = []  # "paper:slug" of every record so far

        existing = Organization.objects.filter(slug__regex=SLUG_REGEX).exists()
        if existing and not options["flush"]:
            raise CommandError(
                "Synthetic records already exist; run again with --flush to replace them."
            )
        if options["flush"]:
            self.step("flush", self.flush)

        with transaction.atomic():
            self.step("taxonomies", self.taxonomies)
            self.step("tags", self.tags)
            self.step("organizations", self.organizations)
            self.step("agendas", self.agendas)
            self.step("papers", self.papers)
            self.step("failure modes", self.failure_modes)
            self.step("programs", self.programs)
            self.step("roles", self.roles)
            self.step("guides", self.guides)
            self.step("agenda reviews and program eligibility", self.reviews_and_eligibility)
            self.step("backgrounds", self.backgrounds)
            self.step("cruxes", self.cruxes)
            self.step("tagging", self.tagging)

        if not options["skip_search_index"]:
            self.step("search index", derived.rebuild_all)
        else:  # the topic list's counts at least (bulk inserts send no signals)
            self.step("topic counts", rebuild_topic_counts)
        if connection.vendor == "postgresql":
            self.step("analyze", self.analyze)

        from core.cache import bump_content_version

        bump_content_version()

        elapsed = time.perf_counter() - started
        peak_mb = peak_rss_mb()
        if self.verbose:
            for name, count in self.written.items():
                self.stdout.write(f"  {name}: {count:,}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {sum(self.written.values()):,} rows in {elapsed:.1f} s; "
                    f"peak memory (ru_maxrss) {peak_mb:.0f} MB."
                )
            )
        self.elapsed, self.peak_mb = elapsed, peak_mb

    def step(self, label, func):
        started = time.perf_counter()
        func()
        if self.verbose:
            self.stdout.write(f"{label}: {time.perf_counter() - started:.1f} s")

    # ----------------------------------------------------------------- helpers

    def bulk(self, model, rows, label=None) -> list[int]:
        """``bulk_create`` ``rows`` (an iterable) in batches; returns the new pks."""
        pks: list[int] = []
        batch = []
        label = label or model._meta.verbose_name_plural
        for row in progress.track(rows, desc=str(label), unit="rows"):
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                pks.extend(obj.pk for obj in model.objects.bulk_create(batch))
                batch = []
        if batch:
            pks.extend(obj.pk for obj in model.objects.bulk_create(batch))
        self.written[str(label)] = self.written.get(str(label), 0) + len(pks)
        if pks and pks[0] is None:  # databases that do not return ids on bulk insert
            pks = list(model.objects.order_by("-pk").values_list("pk", flat=True)[: len(pks)])[::-1]
        return pks

    def link(self, field, pairs, label=None):
        """Rows of a many-to-many field's through model from ``(source_pk, target_pk)``."""
        through = field.remote_field.through
        source = field.m2m_field_name() + "_id"
        target = field.m2m_reverse_field_name() + "_id"
        rows = (through(**{source: a, target: b}) for a, b in dict.fromkeys(pairs))
        self.bulk(through, rows, label or f"links: {field.model.__name__}.{field.name}")

    def common(self, index: int, name: str, link_prefix: str) -> dict:
        slug = f"{slugify(name)[:150]}{SLUG_MARK}{index}"
        self.link_targets.append(f"{link_prefix}:{slug}")
        return {
            "name": name,
            "slug": slug,
            "summary": self.text.sentence(self.rng.randint(10, 20))[:300],
            "status": Status.PUBLISHED,
            "publish_at": self.now - timedelta(days=self.rng.randint(1, 730)),
            "last_reviewed": (self.now - timedelta(days=self.rng.randint(0, 400))).date(),
        }

    def with_links(self, markdown: str) -> str:
        """``markdown``, a third of the time followed by record links (``[x](paper:slug)``).

        Targets are records generated earlier, so "What links here" has Markdown
        links to find, as on the real site.
        """
        if not self.link_targets or self.rng.random() >= 1 / 3:
            return markdown
        targets = self.rng.sample(self.link_targets, min(3, len(self.link_targets)))
        links = ", ".join(f"[{self.text.topic()}]({target})" for target in targets)
        return f"{markdown}\n\nSee also {links}."

    def sample(self, pks, low: int, high: int) -> list[int]:
        k = min(len(pks), self.rng.randint(low, high))
        return self.rng.sample(pks, k) if k else []

    # ------------------------------------------------------------------- steps

    def flush(self):
        """Delete synthetic records and every row that points at them (raw deletes).

        Raw deletes send no signals and write no history; foreign keys are
        checked at commit, so the order does not matter.
        """
        alias = connection.alias
        throughs = [m for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]

        def delete_links(model, pks):
            for through in throughs:
                for fk in through._meta.fields:
                    if fk.is_relation and fk.related_model is model:
                        through.objects.filter(**{f"{fk.name}__in": pks})._raw_delete(alias)

        from search.models import SearchEntry

        with transaction.atomic():
            # Foreign keys are checked at commit: any order of record types will do.
            for record_type in registry.record_types():
                model = record_type.model
                records = model.objects.filter(slug__regex=SLUG_REGEX)
                pks = list(records.values_list("pk", flat=True))
                if not pks:
                    continue
                ct = ContentType.objects.get_for_model(model)
                TaggedItem.objects.filter(content_type=ct, object_id__in=pks)._raw_delete(alias)
                entries = SearchEntry.objects.filter(
                    record_type=record_type.slug, object_id__in=pks
                )
                entries._raw_delete(alias)
                delete_links(model, pks)
                for relation in model._meta.related_objects:
                    child = relation.related_model
                    if not relation.one_to_many or child._meta.auto_created:
                        continue
                    if child.__name__.startswith("Historical"):
                        continue  # history rows keep no database constraint
                    rows = child._base_manager.filter(**{f"{relation.field.name}__in": pks})
                    if relation.field.null:
                        rows.update(**{relation.field.name: None})
                    else:
                        delete_links(child, list(rows.values_list("pk", flat=True)))
                        rows._raw_delete(alias)
                records._raw_delete(alias)

    def taxonomies(self):
        self.org_types = []
        for order, (slug, name, plural) in enumerate(ORG_TYPES):
            obj, _created = OrganizationType.objects.get_or_create(
                slug=slug, defaults={"name": name, "plural_name": plural, "order": order}
            )
            self.org_types.append(obj.pk)
        self.categories = []
        for name in ROLE_CATEGORIES:
            obj, _created = RoleCategory.objects.get_or_create(
                slug=slugify(name), defaults={"name": name}
            )
            self.categories.append(obj.pk)
        self.stages = []
        for order, (slug, name) in enumerate(CAREER_STAGES):
            obj, _created = CareerStage.objects.get_or_create(
                slug=slug, defaults={"name": name, "order": order}
            )
            self.stages.append(obj.pk)
        self.problems = []
        for order, (slug, name) in enumerate(ALIGNMENT_PROBLEMS):
            obj, _created = AlignmentProblem.objects.get_or_create(
                slug=slug, defaults={"name": name, "order": order}
            )
            self.problems.append(obj.pk)

    def tags(self):
        names = list(TOPICS)
        while len(names) < self.sizes["tags"]:
            name = f"{self.rng.choice(ADJECTIVES).lower()} {self.rng.choice(TOPICS)}"
            if name not in names:
                names.append(name)
        names = names[: self.sizes["tags"]]
        # Reuse tags that exist already (same slug or, case-insensitively, name).
        known = {
            tag.slug: tag.pk
            for tag in Tag.objects.filter(slug__in=[slugify(name) for name in names])
        }
        known_names = {name.casefold() for name in Tag.objects.values_list("name", flat=True)}
        self.bulk(
            Tag,
            (
                Tag(name=name, slug=slugify(name))
                for name in names
                if slugify(name) not in known and name.casefold() not in known_names
            ),
            "tags",
        )
        by_slug = dict(
            Tag.objects.filter(slug__in=[slugify(name) for name in names]).values_list("slug", "pk")
        )
        self.tag_pks = [by_slug[slugify(name)] for name in names if slugify(name) in by_slug]
        # Popular tags label many records, most label a few.
        self.tag_weights = list(accumulate(1 / (i + 1) ** 0.8 for i in range(len(self.tag_pks))))
        self.tagged: list[tuple[type, list[int]]] = []

    def organizations(self):
        rng, text = self.rng, self.text

        def rows():
            for i in range(self.sizes["organizations"]):
                name = (
                    f"{rng.choice(ADJECTIVES)} {text.topic().capitalize()} {rng.choice(ORG_NOUNS)}"
                )
                founded = rng.randint(1950, 2024)
                defunct = rng.random() < 0.06
                yield Organization(
                    **self.common(i, name, "org"),
                    type_id=rng.choice(self.org_types),
                    description=self.with_links(text.markdown(2)),
                    website=f"https://example.org/org/{i}",
                    careers_url=f"https://example.org/org/{i}/careers"
                    if rng.random() < 0.5
                    else "",
                    founded_year=founded,
                    closed_year=rng.randint(founded, 2025) if defunct else None,
                    headquarters=rng.choice(PLACES),
                    country=rng.choice(COUNTRIES),
                    operating_status=(
                        Organization.OperatingStatus.DEFUNCT
                        if defunct
                        else Organization.OperatingStatus.ACTIVE
                    ),
                )

        self.org_pks = self.bulk(Organization, rows())
        self.tagged.append((Organization, self.org_pks))

    def agendas(self):
        rng, text = self.rng, self.text

        def rows():
            for i in range(self.sizes["agendas"]):
                name = f"{rng.choice(ADJECTIVES)} {TOPICS[i % len(TOPICS)]}"
                yield ResearchAgenda(
                    **self.common(i, name, "agenda"),
                    goal=text.sentence(20),
                    key_bet=text.sentence(18),
                    if_you_believe=text.words(12),
                    key_insight=text.markdown(1),
                    description=self.with_links(text.markdown(3)),
                    open_questions=text.markdown(1),
                    how_to_contribute=text.markdown(1),
                    background_fit=text.markdown(1),
                    order=i,
                )

        self.agenda_pks = self.bulk(ResearchAgenda, rows())
        self.tagged.append((ResearchAgenda, self.agenda_pks))
        approaches = (
            AgendaApproach(
                agenda_id=pk,
                order=n,
                name=f"{rng.choice(ADJECTIVES)} {text.topic()}",
                description=text.paragraph(2),
            )
            for pk in self.agenda_pks
            for n in range(APPROACHES_PER_AGENDA)
        )
        self.bulk(AgendaApproach, approaches)
        # Key organizations: about 60 % of organizations work on one or two agendas.
        pairs = [
            (agenda, org)
            for org in self.org_pks
            if rng.random() < 0.6
            for agenda in self.sample(self.agenda_pks, 1, 2)
        ]
        self.link(ResearchAgenda._meta.get_field("key_organizations"), pairs)

    def papers(self):
        rng, text = self.rng, self.text
        kinds = (
            [Paper.Kind.PAPER] * 7 + [Paper.Kind.POST] * 2 + [Paper.Kind.BOOK, Paper.Kind.REPORT]
        )
        levels = list(Paper._meta.get_field("level").choices)

        def rows():
            for i in range(self.sizes["papers"]):
                noun = rng.choice(PAPER_NOUNS).lower()
                name = f"{rng.choice(ADJECTIVES)} {text.topic()}: a {noun} of {text.topic()}"
                yield Paper(
                    **self.common(i, name, "paper"),
                    authors=", ".join(rng.sample(AUTHORS, rng.randint(1, 4))),
                    year=min(2025, int(2025 - rng.expovariate(1 / 4))),
                    kind=rng.choice(kinds),
                    level=rng.choice(levels)[0],
                    venue=rng.choice(VENUES),
                    url=f"https://example.org/paper/{i}",
                    reading_minutes=rng.randint(5, 240),
                    description=self.with_links(text.markdown(1)),
                )

        self.paper_pks = self.bulk(Paper, rows())
        self.tagged.append((Paper, self.paper_pks))
        orgs = [
            (p, o)
            for p in self.paper_pks
            if rng.random() < 0.7
            for o in self.sample(self.org_pks, 1, 2)
        ]
        self.link(Paper._meta.get_field("organizations"), orgs)
        agendas = [(p, a) for p in self.paper_pks for a in self.sample(self.agenda_pks, 1, 2)]
        self.link(Paper._meta.get_field("agendas"), agendas)

    def failure_modes(self):
        rng, text = self.rng, self.text

        def rows():
            for i in range(self.sizes["failure_modes"]):
                name = f"{rng.choice(ADJECTIVES)} {text.topic()} failure"
                yield FailureMode(
                    **self.common(i, name, "failure-mode"),
                    body=self.with_links(text.markdown(3)),
                    why_it_matters=text.markdown(1),
                )

        self.failure_pks = self.bulk(FailureMode, rows())
        self.tagged.append((FailureMode, self.failure_pks))
        self.link(
            FailureMode._meta.get_field("agendas"),
            [(f, a) for f in self.failure_pks for a in self.sample(self.agenda_pks, 1, 3)],
        )
        self.link(
            FailureMode._meta.get_field("papers"),
            [(f, p) for f in self.failure_pks for p in self.sample(self.paper_pks, 3, 8)],
        )

    def programs(self):
        rng, text = self.rng, self.text

        def rows():
            for i in range(self.sizes["programs"]):
                kind = rng.choice(Program.Kind.values)
                weeks = rng.choice([None, 2, 4, 8, 10, 12, 26, 52])
                name = f"{rng.choice(ADJECTIVES)} {text.topic().capitalize()} {kind.capitalize()}"
                yield Program(
                    **self.common(i, name, "program"),
                    kind=kind,
                    format=rng.choice(Program.Format.values),
                    cost=rng.choice(Program.Cost.values),
                    duration=f"{weeks} weeks" if weeks else "",
                    duration_weeks=weeks,
                    location=rng.choice(PLACES),
                    description=self.with_links(text.markdown(2)),
                    organizer_id=rng.choice(self.org_pks) if rng.random() < 0.85 else None,
                    website=f"https://example.org/program/{i}",
                    application_deadline=(self.now + timedelta(days=rng.randint(-60, 200))).date(),
                    next_cohort_start=(self.now + timedelta(days=rng.randint(0, 300))).date(),
                )

        self.program_pks = self.bulk(Program, rows())
        self.tagged.append((Program, self.program_pks))
        self.link(
            Program._meta.get_field("agendas"),
            [(p, a) for p in self.program_pks for a in self.sample(self.agenda_pks, 1, 2)],
        )

    def roles(self):
        rng, text = self.rng, self.text
        role_category: list[int] = []

        def rows():
            for i in range(self.sizes["roles"]):
                category = rng.choice(self.categories)
                role_category.append(category)
                low = rng.choice([None, 40_000, 60_000, 80_000, 100_000, 120_000, 150_000])
                high = low + rng.choice([20_000, 50_000, 100_000]) if low else None
                name = f"{rng.choice(SENIORITY)}{rng.choice(ROLE_TITLES)}, {text.topic()}"
                yield Role(
                    **self.common(i, name, "role"),
                    category_id=category,
                    overview=self.with_links(text.markdown(2)),
                    typical_education=text.sentence(),
                    typical_experience=text.sentence(),
                    key_certifications=text.sentence(8),
                    top_employer_types=text.sentence(8),
                    growth_outlook=text.sentence(),
                    ai_impact=text.sentence(),
                    salary_min=low,
                    salary_max=high,
                    salary_currency=rng.choice(["USD", "USD", "GBP", "EUR"]),
                    career_outlook=self.with_links(text.markdown(1)),
                    cover_letter=text.markdown(2),
                )

        self.role_pks = self.bulk(Role, rows())
        self.tagged.append((Role, self.role_pks))
        kinds = Qualification.Kind.values
        self.bulk(
            RoleDuty,
            (
                RoleDuty(role_id=pk, order=n, text=text.sentence())
                for pk in self.role_pks
                for n in range(DUTIES_PER_ROLE)
            ),
        )
        self.bulk(
            Qualification,
            (
                Qualification(role_id=pk, order=n, kind=kinds[n % len(kinds)], text=text.sentence())
                for pk in self.role_pks
                for n in range(QUALIFICATIONS_PER_ROLE)
            ),
        )
        self.bulk(
            RoleFAQ,
            (
                RoleFAQ(
                    role_id=pk,
                    order=n,
                    question=text.sentence(8)[:-1] + "?",
                    answer=text.paragraph(2),
                )
                for pk in self.role_pks
                for n in range(FAQS_PER_ROLE)
            ),
        )
        field = Role._meta.get_field
        self.link(
            field("employer_types"),
            [(r, t) for r in self.role_pks for t in self.sample(self.org_types, 1, 3)],
        )
        self.link(
            field("agendas"),
            [(r, a) for r in self.role_pks for a in self.sample(self.agenda_pks, 1, 3)],
        )
        self.link(
            field("hiring_organizations"),
            [(r, o) for r in self.role_pks for o in self.sample(self.org_pks, 2, 6)],
        )
        self.link(
            field("programs"),
            [(r, p) for r in self.role_pks for p in self.sample(self.program_pks, 0, 3)],
        )
        # Related roles, symmetrical: both directions are rows, as Django stores them.
        by_category: dict[int, list[int]] = {}
        for pk, category in zip(self.role_pks, role_category, strict=True):
            by_category.setdefault(category, []).append(pk)
        pairs = []
        for pk, category in zip(self.role_pks, role_category, strict=True):
            for other in self.sample(by_category[category], 1, 2):
                if other != pk:
                    pairs += [(pk, other), (other, pk)]
        self.link(field("related_roles"), pairs)

    def guides(self):
        rng, text = self.rng, self.text

        def rows():
            for i in range(self.sizes["guides"]):
                depth = rng.choice(["short", "deep", "practical"])
                name = f"Getting into {text.topic()}: a {depth} path"
                yield Guide(
                    **self.common(i, name, "guide"),
                    audience=rng.choice(["Researchers", "Engineers", "Policy people", "Everyone"]),
                    intro=text.markdown(2),
                    order=i,
                )

        self.guide_pks = self.bulk(Guide, rows())
        self.tagged.append((Guide, self.guide_pks))
        sections = ["", "Foundations", "Going deeper", "The frontier"]
        steps = [
            GuideStep(
                guide_id=pk,
                order=n,
                section=sections[min(n // 3, 3)],
                title=text.sentence(6)[:-1],
                minutes=rng.choice([10, 20, 30, 45, 60, 90, 120]),
                body=text.paragraph(2),
            )
            for pk in self.guide_pks
            for n in range(STEPS_PER_GUIDE)
        ]
        step_pks = self.bulk(GuideStep, steps)
        del steps
        links = [
            ("papers", self.paper_pks, 1, 3),
            ("agendas", self.agenda_pks, 0, 1),
            ("failure_modes", self.failure_pks, 0, 1),
            ("organizations", self.org_pks, 0, 1),
            ("programs", self.program_pks, 0, 1),
            ("roles", self.role_pks, 0, 1),
        ]
        for name, targets, low, high in links:
            self.link(
                GuideStep._meta.get_field(name),
                [(s, t) for s in step_pks for t in self.sample(targets, low, high)],
            )

    def reviews_and_eligibility(self):
        """The fields issue 14 added to agendas and programs, and their links.

        A separate step (``bulk_update``) after the records exist, so the records
        the earlier steps write stay the same for a given seed. Some values are
        left empty on purpose: readers see "not known" for them.
        """
        rng, text = self.rng, self.text
        agendas = list(ResearchAgenda.objects.filter(pk__in=self.agenda_pks).only("pk"))
        for agenda in agendas:
            agenda.theory_of_change = text.markdown(1)
            agenda.target_case = rng.choice(["", *ResearchAgenda.TargetCase.values])
            agenda.broad_approach = rng.choice(["", *ResearchAgenda.Approach.values])
            agenda.research_status = rng.choice(["", *ResearchAgenda.ResearchStatus.values])
            if rng.random() < 0.7:
                low = rng.randint(2, 200)
                agenda.fte_min, agenda.fte_max = low, low + rng.randint(0, 100)
                agenda.fte_estimated_on = (self.now - timedelta(days=rng.randint(0, 900))).date()
        # Lineage: a tenth of the agendas sit under an earlier one (never a loop).
        for index, agenda in enumerate(agendas[1:], start=1):
            if rng.random() < 0.1:
                agenda.parent_id = agendas[rng.randrange(index)].pk
        ResearchAgenda.objects.bulk_update(
            agendas,
            [
                "theory_of_change",
                "target_case",
                "broad_approach",
                "research_status",
                "fte_min",
                "fte_max",
                "fte_estimated_on",
                "parent",
            ],
            batch_size=500,
        )
        self.bulk(
            AgendaQuickProject,
            (
                AgendaQuickProject(
                    agenda_id=pk,
                    order=n,
                    title=text.sentence(8)[:-1],
                    weeks_min=1,
                    weeks_max=rng.choice([None, 2, 4]),
                )
                for pk in self.agenda_pks
                for n in range(QUICK_PROJECTS_PER_AGENDA)
            ),
        )
        field = ResearchAgenda._meta.get_field
        self.link(
            field("problems"),
            [(a, p) for a in self.agenda_pks for p in self.sample(self.problems, 0, 3)],
        )
        self.link(
            field("funders"),
            [(a, o) for a in self.agenda_pks for o in self.sample(self.org_pks, 0, 3)],
        )
        self.link(
            field("critiques"),
            [(a, p) for a in self.agenda_pks for p in self.sample(self.paper_pks, 0, 2)],
        )

        today = self.now.date()
        programs = list(Program.objects.filter(pk__in=self.program_pks).only("pk"))
        for program in programs:
            program.entry_bar = text.sentence(12) if rng.random() < 0.7 else ""
            program.hours_per_week = rng.choice([None, 5, 10, 20, 40])
            program.cadence = rng.choice(["", *Program.Cadence.values])
            if rng.random() < 0.4:
                program.stipend_amount = rng.choice([1_000, 5_000, 12_000])
                program.stipend_currency = rng.choice(["USD", "GBP", "EUR"])
            if rng.random() < 0.8:
                opens = today + timedelta(days=rng.randint(-120, 60))
                program.applications_open = opens
                program.application_deadline = opens + timedelta(days=rng.randint(0, 90))
            else:
                program.applications_open = program.application_deadline = None
        Program.objects.bulk_update(
            programs,
            [
                "entry_bar",
                "hours_per_week",
                "cadence",
                "stipend_amount",
                "stipend_currency",
                "applications_open",
                "application_deadline",
            ],
            batch_size=500,
        )
        self.link(
            Program._meta.get_field("career_stages"),
            [(p, s) for p in self.program_pks for s in self.sample(self.stages, 0, 3)],
        )

    def backgrounds(self):
        rng, text = self.rng, self.text

        def rows():
            for i in range(self.sizes["backgrounds"]):
                name = f"{rng.choice(ADJECTIVES)} {text.topic()} background"
                yield Background(
                    **self.common(i, name, "background"),
                    description=self.with_links(text.markdown(1)),
                    order=i,
                )

        self.background_pks = self.bulk(Background, rows())
        self.tagged.append((Background, self.background_pks))
        self.bulk(
            BackgroundContribution,
            (
                BackgroundContribution(background_id=pk, order=n, text=text.sentence(8))
                for pk in self.background_pks
                for n in range(CONTRIBUTIONS_PER_BACKGROUND)
            ),
        )
        for model, fk, targets, low, high in (
            (BackgroundAgendaFit, "agenda_id", self.agenda_pks, 1, 3),
            (BackgroundRoleFit, "role_id", self.role_pks, 1, 4),
            (BackgroundProgramFit, "program_id", self.program_pks, 0, 3),
        ):
            self.bulk(
                model,
                (
                    model(background_id=pk, order=n, reason=text.sentence(10), **{fk: target})
                    for pk in self.background_pks
                    for n, target in enumerate(self.sample(targets, low, high))
                ),
            )

    def cruxes(self):
        rng, text = self.rng, self.text

        def rows():
            for i in range(self.sizes["cruxes"]):
                name = f"Is {text.topic()} {rng.choice(ADJECTIVES).lower()} enough?"
                yield Crux(
                    **self.common(i, name, "crux"),
                    description=self.with_links(text.markdown(1)),
                    consider=text.paragraph(1),
                    order=i,
                )

        self.crux_pks = self.bulk(Crux, rows())
        self.tagged.append((Crux, self.crux_pks))
        position_pks = self.bulk(
            CruxPosition,
            [
                CruxPosition(
                    crux_id=pk,
                    order=n,
                    stance=text.sentence(5)[:-1],
                    arguments=text.markdown(1),
                    next_steps=text.sentence(12),
                )
                for pk in self.crux_pks
                for n in range(POSITIONS_PER_CRUX)
            ],
        )
        field = CruxPosition._meta.get_field
        self.link(
            field("agendas"),
            [(p, a) for p in position_pks for a in self.sample(self.agenda_pks, 0, 2)],
        )
        self.link(
            field("organization_types"),
            [(p, t) for p in position_pks for t in self.sample(self.org_types, 0, 2)],
        )

    def tagging(self):
        rng = self.rng
        total = 0
        for model, pks in self.tagged:
            ct = ContentType.objects.get_for_model(model).pk
            rows = (
                TaggedItem(tag_id=tag, content_type_id=ct, object_id=pk)
                for pk in pks
                for tag in dict.fromkeys(
                    rng.choices(self.tag_pks, cum_weights=self.tag_weights, k=rng.randint(1, 4))
                )
            )
            total += len(self.bulk(TaggedItem, rows, "tagged items"))
        return total

    def analyze(self):
        """Fresh planner statistics; outside a transaction also the visibility map.

        ``VACUUM`` marks the new pages all-visible, which index-only scans (the
        publication index's counts) need; it cannot run inside a transaction
        (tests), where ``ANALYZE`` alone is done.
        """
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB (``ru_maxrss`` is kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
