"""Every reader page type passes axe-core (WCAG 2.2 AA rules) and the Nu HTML Checker.

One URL per page type, built from the loaded content (the first published record of
each type), so the list follows the demo content. One test visits every page and
reports all failures at once, with subtests: axe-core (plus a reflow check) at each
width, then the Nu HTML Checker on the server's HTML in a single JVM run. One test
because loading the site data is the slow part. Screenshots of every page go to
artifacts/page-<type>-<width>.png.
"""

from django.urls import reverse

from tests.browser.conftest import (
    VIEWPORTS,
    axe_violations,
    format_violations,
    format_vnu,
    screenshot,
    vnu_errors_batch,
)

MISSING_PAGE = "/no-such-page-for-the-accessibility-test/"


def reader_pages(site_data):
    """``[(label, url, expected status)]``: one URL for every reader page type."""
    from taggit.models import Tag

    from careers.models import Background, Program, Role
    from guides.models import Crux, FailureMode, Guide, Paper, ResearchAgenda
    from organizations.models import Organization

    role = site_data.first(Role)
    program = site_data.first(Program)
    agenda = site_data.first(ResearchAgenda)
    organization = site_data.first(Organization)
    paper = site_data.first(Paper)
    failure_mode = site_data.first(FailureMode)
    guide = site_data.first(Guide)
    background = site_data.first(Background)
    crux = site_data.first(Crux)
    tag = Tag.objects.filter(taggit_taggeditem_items__isnull=False).order_by("name").first()
    assert tag is not None, "the site data has no tagged record"
    agendas = list(ResearchAgenda.objects.published()[:3])
    compare_query = "&".join(f"agenda={a.slug}" for a in agendas)
    search_word = role.name.split()[-1]

    return [
        ("home", reverse("core:home"), 200),
        ("role list", reverse("careers:role_list"), 200),
        ("role detail", role.get_absolute_url(), 200),
        ("program list", reverse("careers:program_list"), 200),
        ("program detail", program.get_absolute_url(), 200),
        (
            "program list filtered and sorted",
            f"{reverse('careers:program_list')}?stage=early-career&sort=deadline",
            200,
        ),
        ("background list", reverse("careers:background_list"), 200),
        ("background detail", background.get_absolute_url(), 200),
        ("crux list", reverse("guides:crux_list"), 200),
        ("crux detail", crux.get_absolute_url(), 200),
        ("agenda compare sorted", f"{reverse('guides:agenda_compare')}?sort=problems", 200),
        ("agenda list", reverse("guides:agenda_list"), 200),
        ("agenda compare", f"{reverse('guides:agenda_compare')}?{compare_query}", 200),
        ("agenda detail", agenda.get_absolute_url(), 200),
        ("organization list", reverse("organizations:organization_list"), 200),
        ("organization list filtered", organization.type.get_absolute_url(), 200),
        ("organization detail", organization.get_absolute_url(), 200),
        ("paper list", reverse("guides:paper_list"), 200),
        ("paper detail", paper.get_absolute_url(), 200),
        ("failure mode list", reverse("guides:failuremode_list"), 200),
        ("failure mode detail", failure_mode.get_absolute_url(), 200),
        ("guide list", reverse("guides:guide_list"), 200),
        ("guide detail", guide.get_absolute_url(), 200),
        ("tag list", reverse("core:tag_list"), 200),
        ("tag page", reverse("core:tag_detail", kwargs={"slug": tag.slug}), 200),
        ("search results", f"{reverse('search:search')}?q={search_word}", 200),
        ("404 page", MISSING_PAGE, 404),
    ]


def test_every_page_type_passes_axe_and_the_nu_html_checker(page, site_data, subtests):
    pages = reader_pages(site_data)
    documents = {}  # the server's HTML of each page, for the Nu HTML Checker
    for viewport in VIEWPORTS:
        with subtests.test("axe-core and reflow", viewport=viewport):
            page.set_viewport_size(VIEWPORTS[viewport])
            failures = _check_pages(page, pages, viewport, documents)
            assert not failures, "accessibility failures:\n" + "\n".join(failures)
    with subtests.test("Nu HTML Checker"):
        assert documents, "no page was fetched"
        results = vnu_errors_batch(documents)
        for name, errors in results.items():
            print(f"vnu {name}: {len(errors)} error(s)")
        failures = [f"{name}:\n{format_vnu(errors)}" for name, errors in results.items() if errors]
        assert not failures, "Nu HTML Checker errors:\n" + "\n".join(failures)


def _check_pages(page, pages, viewport, documents):
    """axe-core and a reflow check on every page at one width; returns the failures."""
    failures = []
    for label, url, status in pages:
        response = page.goto(url)
        if response is None or response.status != status:
            got = response.status if response else "no response"
            failures.append(f"{label} ({url}): HTTP {got}, expected {status}")
            continue
        documents[f"{label} ({url})"] = response.text()
        violations = axe_violations(page)
        print(f"axe {viewport:7} {label:27} {url}: {len(violations)} violation(s)")
        # A picture of every page type at this width, for reviewing the layout.
        screenshot(page, f"page-{label.replace(' ', '-')}-{VIEWPORTS[viewport]['width']}")
        if violations:
            failures.append(f"{label} ({url}) at {viewport}:\n{format_violations(violations)}")
        # WCAG 1.4.10 (reflow): the page as a whole never scrolls sideways.
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            failures.append(f"{label} ({url}) at {viewport}: page scrolls sideways by {overflow}px")
    return failures
