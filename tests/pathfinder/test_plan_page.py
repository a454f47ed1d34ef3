"""What a visual review of the plan page found: every reason it shows is true of the
answer it names, in a stable order, said once and plainly; the plan comes first on a
phone. Each test reads the rendered page (and the JSON where it carries the same)."""

import re

import pytest

from .conftest import FULL_QUERY

pytestmark = pytest.mark.django_db
PLAN = "/find-your-direction/"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").strip()


def crux_reasons(body: str) -> dict:
    """``{crux name: [reason, ...]}`` as the page lists them."""
    cards = re.findall(
        r'<article class="card plan-crux">\s*<h3 class="card-title"><a [^>]+>(.*?)</a></h3>'
        r'\s*<ul class="plan-reasons">(.*?)</ul>',
        body,
        re.S,
    )
    return {
        text(name): [text(item) for item in re.findall(r"<li>(.*?)</li>", items, re.S)]
        for name, items in cards
    }


def test_a_timeline_crux_gives_the_reasons_of_your_timeline_only(client, world):
    """“You expect short timelines” is followed by what the short side points to, not by
    what the long side does (that side is still shown, with its arguments)."""
    body = client.get(f"{PLAN}?{FULL_QUERY}").content.decode()
    data = client.get(f"/api/v1/plan/?{FULL_QUERY}").json()

    expected = [
        "You expect short timelines: this is “Short timelines”",
        "“Short timelines” points to AI Control, #1 for you",
        "“Short timelines” points to Frontier lab",
    ]
    assert crux_reasons(body)["What if timelines are short?"] == expected
    assert [c["reasons"] for c in data["cruxes"]] == [expected]
    assert "Long timelines" in text(body)  # every side is still shown


def test_crux_reasons_follow_the_agendas_rank(client, world):
    """A crux whose first side points to your #2 agenda and whose second points to your
    #1 lists #1 first (not the sides' order), here and in the JSON."""
    from .factories import CruxFactory, position

    crux = CruxFactory(name="Is interpretability enough?", order=9)
    position(crux, "Enough", agendas=[world["interp"]])
    position(crux, "Not enough", agendas=[world["control"]])

    body = client.get(f"{PLAN}?{FULL_QUERY}").content.decode()
    data = client.get(f"/api/v1/plan/?{FULL_QUERY}").json()

    expected = [
        "“Not enough” points to AI Control, #1 for you",
        "“Enough” points to Interpretability, #2 for you",
    ]
    assert crux_reasons(body)["Is interpretability enough?"] == expected
    assert {c["question"]: c["reasons"] for c in data["cruxes"]}[crux.name] == expected


def test_a_program_card_says_once_what_is_not_known(client, world):
    """A program whose hours are not recorded, for a reader who gave theirs: the card
    says “Hours a week: not known.”, not “Not known: hours per week not known.”."""
    world["mats"].hours_per_week = None
    world["mats"].save()
    world["mats"].career_stages.clear()

    body = client.get(f"{PLAN}?{FULL_QUERY}").content.decode()
    data = client.get(f"/api/v1/plan/?{FULL_QUERY}").json()

    caveats = [text(c) for c in re.findall(r'<p class="plan-caveat">(.*?)</p>', body, re.S)]
    assert caveats == ["Career stages it accepts: not known. Hours a week: not known."]
    assert "not known not known" not in text(body).replace(".", "")
    assert "Not known:" not in body
    mats = next(p for p in data["programs"] if p["slug"] == "mats")
    assert mats["not_known"] == ["Career stages it accepts", "Hours a week"]


def org_type_reasons(body: str) -> dict:
    """``{kind of organization: [reason, ...]}`` as the page lists them."""
    section = body.split('id="orgtypes-title"', 1)[1].split("</section>", 1)[0]
    cards = re.findall(
        r'<h3 class="card-title"><a [^>]+>(.*?)</a></h3>\s*<ul class="plan-reasons">(.*?)</ul>',
        section,
        re.S,
    )
    return {
        text(name): [text(item) for item in re.findall(r"<li>(.*?)</li>", items, re.S)]
        for name, items in cards
    }


def test_a_kind_of_organization_names_the_roles_it_employs_in_one_sentence(client, world):
    """Three roles that fit, all at frontier labs: one sentence naming them, not
    “Employs people as …, a role that fits you” three times."""
    from tests.careers.factories import RoleFactory

    from .factories import role_fit

    for name in ("Research engineer", "Policy analyst"):
        role = RoleFactory(name=name)
        role.employer_types.add(world["lab"])
        role_fit(world["security"], role)

    body = client.get(f"{PLAN}?{FULL_QUERY}").content.decode()
    data = client.get(f"/api/v1/plan/?{FULL_QUERY}").json()

    roles = [r["name"] for r in data["roles"]]  # the plan's order
    assert sorted(roles) == ["Policy analyst", "Research engineer", "Safety engineer"]
    employs = f"Employs people in roles that fit you: {roles[0]}, {roles[1]} and {roles[2]}"
    expected = [employs, "You expect short timelines: “Short timelines” points here"]
    assert org_type_reasons(body)["Frontier lab"] == expected
    assert data["organization_types"][0]["reasons"] == expected


def test_a_kind_of_organization_with_one_role_says_so_plainly(client, world):
    body = client.get(f"{PLAN}?{FULL_QUERY}").content.decode()

    assert org_type_reasons(body)["Frontier lab"][0] == (
        "Employs people as Safety engineer, a role that fits you"
    )


def program_meta(body: str) -> dict:
    """``{program name: its card's meta line}``."""
    cards = re.findall(
        r'<li class="card plan-program">\s*<h3 class="card-title"><a [^>]+>(.*?)</a></h3>'
        r'\s*<p class="card-meta">(.*?)</p>',
        body,
        re.S,
    )
    return {text(name): text(meta) for name, meta in cards}


def test_a_program_line_leaves_out_a_location_that_repeats_the_format(client, world):
    """“Online, Online · Funded” was the format twice: a location equal to the format
    (in any case) is left out, as on the program page; a real place stays."""
    from careers.models import Program
    from tests.careers.factories import ProgramFactory

    from .factories import program_fit

    world["mats"].location = "online"
    world["mats"].save()
    london = ProgramFactory(
        name="London course", format=Program.Format.HYBRID, location="London", cost="free"
    )
    program_fit(world["security"], london, "Local")

    meta = program_meta(client.get(f"{PLAN}?background=security").content.decode())

    assert meta["MATS"].endswith("Online · Funded (stipend) · 10 hours a week")
    assert "Online, online" not in meta["MATS"]
    assert meta["London course"].endswith("Hybrid, London · Free")


def test_the_stage_advice_is_body_text(client, world):
    """The advice for your stage is what you do next: body text, not the small grey
    ``.note`` of an aside."""
    world["exploring"].advice = "Read one guide end to end before choosing."
    world["exploring"].save()

    body = client.get(f"{PLAN}?stage=exploring").content.decode()

    paragraph = re.search(r"<p( [^>]*)?>Read one guide end to end before choosing\.</p>", body)
    assert paragraph is not None
    assert "note" not in (paragraph.group(1) or "")
    assert "muted" not in (paragraph.group(1) or "")


def test_with_answers_the_form_folds_so_the_plan_comes_first_on_a_phone(client, world):
    """On a phone the whole form came before the plan. With answers it folds behind
    “Change your answers” (a closed <details>: no script needed), still in the page
    with the reader's answers; on the start page and with errors it is open."""
    plan = client.get(f"{PLAN}?{FULL_QUERY}").content.decode()
    folded = re.search(
        r'<details class="plan-disclosure">\s*<summary class="plan-summary">Change your answers'
        r'</summary>\s*<form class="plan-form panel".*?</form>\s*</details>',
        plan,
        re.S,
    )
    assert folded is not None
    assert re.search(r'value="security"[^>]*checked', folded.group(0))  # answers kept
    assert plan.count("<h1") == 1
    assert plan.index('id="form-title"') < plan.index('id="share-title"')  # headings in order

    start = client.get(PLAN).content.decode()
    assert "plan-disclosure" not in start  # nothing answered: the form, open
    assert '<form class="plan-form panel"' in start

    errors = client.get(f"{PLAN}?hours=0").content.decode()
    assert '<details class="plan-disclosure" open>' in errors


def test_how_it_works_says_whose_reasons_a_crux_gives(client, world):
    page = text(client.get(f"{PLAN}how-it-works/").content.decode())

    assert "the reasons shown are that position's only" in page
    assert "listed by their rank" in page


def test_the_cruxes_you_take_a_side_on_come_first_and_the_rest_fold_by_name(
    client, world, monkeypatch
):
    """The crux your timeline takes a side on leads (it was made first here, but the
    others come first in the editors' order); past ``PLAN_CARDS`` the rest are
    listed by name under a disclosure, each with its strongest reason."""
    from guides.models import Crux
    from pathfinder import scoring

    from .factories import CruxFactory, position

    world_crux = "What if timelines are short?"
    Crux.objects.filter(name=world_crux).update(order=100)
    for n in range(3):
        crux = CruxFactory(name=f"Other question {n}", order=3 - n)
        position(crux, f"Side {n}", agendas=[world["interp"]])
    monkeypatch.setattr(scoring, "PLAN_CARDS", 2)

    body = client.get(f"{PLAN}?{FULL_QUERY}").content.decode()
    shown, _sep, folded = body.partition("more questions that bear on your choice")

    assert list(crux_reasons(shown)) == [world_crux, "Other question 2"]
    assert "2 more questions that bear on your choice" in text(body)
    assert "Other question 1" in folded and "Other question 0" in folded
    assert "points to Interpretability, #2 for you" in text(folded)
    data = client.get(f"/api/v1/plan/?{FULL_QUERY}").json()
    assert data["cruxes"][0]["question"] == world_crux
    assert len(data["cruxes"]) == 4


def test_each_choice_is_written_as_django_writes_its_input(client, world):
    """The choices' inputs are written by a tag, not Django's per-choice widget
    template: each must be byte for byte the input Django writes (type, name,
    value, id, checked, required…), followed by its label, and no choice missing."""
    from django.utils.html import escape

    from pathfinder.forms import PlanForm
    from pathfinder.plan import Catalogue

    response = client.get(f"{PLAN}?{FULL_QUERY}")
    body = response.content.decode()
    form = PlanForm(response.wsgi_request.GET, catalogue=Catalogue.load())
    written = 0
    for field in form:
        if not field.use_fieldset:
            continue
        assert field.field.choices, field.name
        items = re.search(
            rf'id="field-{field.name}".*?<ul class="plan-choices">(.*?)</ul>', body, re.S
        ).group(1)
        expected = "".join(
            f'<li>{option.tag(wrap_label=False)} <label for="{escape(option.id_for_label)}">'
            f"{escape(option.choice_label)}</label></li>"
            for option in field
        )
        assert items == expected
        written += len(field.field.choices)
    assert written > 5
    checked = r'<input type="checkbox" name="background" value="security"[^>]* checked>'
    assert re.search(checked, body)
