"""Fixtures and helpers for the Playwright browser tests (``make test-browser``).

* Every test in this folder is marked ``browser`` automatically (the normal suite
  runs ``-m "not browser"``).
* ``page`` is pytest-playwright's page; its context has ``base_url`` set to
  pytest-django's ``live_server``, so ``page.goto("/roles/")`` works.
* ``live_server`` tests are transactional: the database is flushed after each
  test. ``post_migrate`` recreates content types and permissions, but not the
  Editors group (made by a data migration; core's hook needs the ``apps`` that
  ``flush`` does not send), so ``_editors_group`` recreates it before each test.
  Don't use ``django_db_serialized_rollback`` instead: under Playwright's sync
  API the test sees a different Django connection object than the one the
  database was serialized on, so the restore is silently skipped.
* ``site_data`` loads the demo content (``manage.py load_demo_content``) or, when
  that command is not available, a small cross-linked set built with the factories.
* ``axe_violations(page)`` runs axe-core; ``vnu_errors(html)`` /
  ``vnu_errors_batch({name: html})`` run the Nu HTML Checker (one JVM per batch).
* ``screenshot(page, name)`` saves a full-page PNG into ``artifacts/`` (gitignored).

Chromium, axe-core and vnu-jar come from ``.ci/browser-deps``. When they are
missing the tests are skipped with the reason, unless ``REQUIRE_BROWSER_TOOLS=1``
(set by ``make test-browser``), in which case they fail.
"""

import contextlib
import gc
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = Path(__file__).resolve().parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ARTIFACTS = ROOT / "artifacts"

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Shared memory from /tmp, not /dev/shm (small in many containers).
    "--disable-dev-shm-usage",
]

# The two widths every reader page is checked at.
VIEWPORTS = {
    "mobile": {"width": 375, "height": 812},
    "desktop": {"width": 1280, "height": 900},
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

INSTALL_HINT = "run `make browser-deps` (bash .ci/browser-deps)"


def _required() -> bool:
    return os.environ.get("REQUIRE_BROWSER_TOOLS", "").strip().lower() in {"1", "true", "yes"}


def _missing(tool: str) -> str | None:
    """A reason string when ``tool`` (chromium, axe, vnu) is not installed, else None."""
    if tool == "chromium":
        if not (Path(CHROMIUM_PATH).is_file() or shutil.which(CHROMIUM_PATH)):
            return f"Chromium not found at {CHROMIUM_PATH} (set CHROMIUM_PATH or {INSTALL_HINT})"
    elif tool == "axe":
        if not AXE_JS.is_file():
            return f"axe-core not installed ({AXE_JS.relative_to(ROOT)}; {INSTALL_HINT})"
    elif tool == "vnu":
        if not VNU_JAR.is_file():
            return f"vnu-jar not installed ({VNU_JAR.relative_to(ROOT)}; {INSTALL_HINT})"
        if not shutil.which("java"):
            return "java not found: the Nu HTML Checker needs a JRE (Java 17)"
    return None


def require(tool: str) -> None:
    """Skip (or, with REQUIRE_BROWSER_TOOLS=1, fail) when ``tool`` is missing."""
    reason = _missing(tool)
    if reason is None:
        return
    if _required():
        pytest.fail(f"REQUIRE_BROWSER_TOOLS is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the marker must be on before pytest deselects by ``-m``.
    chromium_missing = _missing("chromium")
    for item in items:
        if BROWSER_DIR not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if chromium_missing and not _required():
            item.add_marker(pytest.mark.skip(reason=chromium_missing))


# --- Database -----------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, the browser tests' database is a file, not Django's shared in-memory one.

    With an in-memory test database the live server's request threads and the
    test itself share one SQLite connection (pytest-django passes it to the
    server), or open several connections to one shared-cache database, so two
    requests at once (a form's presence refresh while it is saved, a page
    closing while the next test flushes the tables) use one connection from
    two threads. A CI run hung there once for over an hour. A file gives every
    thread its own connection; WAL lets readers run beside a writer, and
    ``BEGIN IMMEDIATE`` with a 30 s busy timeout makes writers wait for each
    other instead of failing.
    """
    from django.conf import settings

    for alias, database in settings.DATABASES.items():
        if database["ENGINE"] != "django.db.backends.sqlite3":
            continue
        folder = Path(tempfile.mkdtemp(prefix="fieldguide-browser-db-"))
        database.setdefault("TEST", {})["NAME"] = str(folder / f"{alias}.sqlite3")
        database.setdefault("OPTIONS", {}).update(
            timeout=30,
            transaction_mode="IMMEDIATE",
            init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        )


# --- Playwright ---------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require("chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": ARGS}


@pytest.fixture
def browser(launch_browser):
    """A Chromium of its own for every test (pytest-playwright shares one per session).

    Two CI runs hung inside a Playwright call after about a dozen tests of one
    long-lived browser; a fresh one per test costs about half a second and
    leaves nothing behind for the next test. When a test stalls, the
    watchdog below kills this browser, the hung call fails, and the next test
    starts a new one.
    """
    browser = launch_browser()
    yield browser
    # A browser the watchdog killed is already gone: closing it may raise.
    with contextlib.suppress(Exception):
        browser.close()


# --- Stall watchdog ------------------------------------------------------------

# A test still running after this many seconds is stalled: its stack (the test's
# own greenlet, which pytest-timeout's thread dump does not show) is written to
# artifacts/stalled-*.txt and printed at the end of the run, then the test's
# Chromium is killed so the Playwright call it waits on fails and the run goes on.
STALL_SECONDS = float(os.environ.get("BROWSER_TEST_STALL", "240"))
_stalls: list[str] = []


def _every_stack() -> str:
    """The stack of every thread and of every suspended greenlet (Playwright's sync API).

    Read while the other threads run, so any part may fail; a failure is noted in
    the text instead of ending the watchdog (pytest would only report it after
    the hung test ended, which it never does).
    """
    parts = []
    try:
        for thread_id, frame in sys._current_frames().items():
            parts.append(f"--- thread {thread_id}\n" + "".join(traceback.format_stack(frame)))
    except Exception as error:
        parts.append(f"--- the threads' stacks could not be read: {error!r}")
    try:
        import greenlet

        for obj in gc.get_objects():
            # type(), not isinstance(): a lazy object (a request's CSP nonce) would
            # evaluate itself to answer isinstance and may raise.
            if issubclass(type(obj), greenlet.greenlet):
                frame = obj.gr_frame
                if frame is not None:
                    parts.append("--- greenlet\n" + "".join(traceback.format_stack(frame)))
    except Exception as error:
        parts.append(f"--- the greenlets' stacks could not be read: {error!r}")
    return "\n".join(parts)


def _test_line(stacks: str) -> str:
    """The last line of a test module in the dump: where the test was waiting."""
    lines = [line.strip() for line in stacks.splitlines()]
    found = [i for i, line in enumerate(lines) if "/tests/browser/test_" in line]
    if not found:
        return "(no test frame found)"
    at = found[-1]
    return " ".join(lines[at : at + 2])  # 'File "…", line N, in test_…' and the code


def _chromium_descendants() -> list[int]:
    """The Chromium processes started under this pytest (through Playwright's driver)."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ")".
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        names[int(entry.name)] = comm
    found, todo = [], [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            if "chrom" in names.get(child, ""):
                found.append(child)
    return found


def _on_stall(nodeid: str) -> None:
    try:
        stacks = _every_stack()
        _stalls.append(f"{nodeid} stalled for {STALL_SECONDS:.0f} s at: {_test_line(stacks)}")
        sys.__stderr__.write(f"\n!!! {_stalls[-1]}; killing its Chromium\n")
        sys.__stderr__.flush()
        ARTIFACTS.mkdir(exist_ok=True)
        safe = "".join(c if c.isalnum() else "-" for c in nodeid)[-120:]
        (ARTIFACTS / f"stalled-{safe}.txt").write_text(stacks)
    except Exception as error:  # the kill below must happen
        _stalls.append(f"{nodeid} stalled for {STALL_SECONDS:.0f} s ({error!r})")
    finally:
        for pid in _chromium_descendants():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(autouse=True)
def _stall_watchdog(request):
    timer = threading.Timer(STALL_SECONDS, _on_stall, args=(request.node.nodeid,))
    timer.daemon = True
    timer.start()
    yield
    timer.cancel()


def pytest_terminal_summary(terminalreporter):
    if _stalls:
        terminalreporter.section("stalled browser tests (stacks in artifacts/stalled-*.txt)")
        for line in _stalls:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": VIEWPORTS["desktop"],
        # axe-core is injected as a script; a Content-Security-Policy must not block it.
        "bypass_csp": True,
    }


_state_apps = None


def _migration_state_apps():
    """An app registry of historical models, as a data migration gets (built once)."""
    global _state_apps
    if _state_apps is None:
        from django.apps import apps
        from django.db.migrations.state import ProjectState

        _state_apps = ProjectState.from_apps(apps).apps
    return _state_apps


@pytest.fixture(autouse=True)
def _editors_group(request):
    """Recreate the Editors group that the previous live_server test's flush removed."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group

    from editorial.permissions import EDITORS_GROUP, sync_editors_group

    if not Group.objects.filter(name=EDITORS_GROUP).exists():
        sync_editors_group(_migration_state_apps())


@pytest.fixture
def site_data(transactional_db):
    """The demo content in the test database, for ``live_server`` tests."""
    from django.core.management import call_command, get_commands

    if "load_demo_content" in get_commands():
        call_command("load_demo_content", stdout=io.StringIO(), stderr=io.StringIO())
    else:
        _build_factory_site()
    return SiteData()


class SiteData:
    """Look-ups into whatever content ``site_data`` loaded."""

    def first(self, model, **filters):
        """The first published record of ``model`` in its default order."""
        obj = model.objects.published().filter(**filters).first()
        assert obj is not None, f"no published {model._meta.verbose_name} in the site data"
        return obj


def _build_factory_site():
    """A small cross-linked site, used when load_demo_content does not exist yet."""
    from tests import factories as f

    lab = f.OrganizationTypeFactory(name="Frontier lab", slug="frontier-lab", order=1)
    nonprofit = f.OrganizationTypeFactory(
        name="Safety nonprofit", slug="safety-nonprofit", plural_name="Safety nonprofits", order=2
    )
    orgs = [
        f.OrganizationFactory(name="Anthropic", slug="anthropic", type=lab, tags=["interp"]),
        f.OrganizationFactory(name="DeepMind", slug="deepmind", type=lab),
        f.OrganizationFactory(name="Redwood Research", slug="redwood", type=nonprofit),
        f.OrganizationFactory(name="MIRI", slug="miri", type=nonprofit),
    ]
    interp = f.ResearchAgendaFactory(
        name="Mechanistic interpretability", slug="mech-interp", order=1, tags=["interp"]
    )
    control = f.ResearchAgendaFactory(name="AI control", slug="ai-control", order=2)
    for agenda in (interp, control):
        f.AgendaApproachFactory(agenda=agenda)
    interp.key_organizations.add(orgs[0], orgs[1])
    control.key_organizations.add(orgs[2])
    papers = [
        f.PaperFactory(name="Toy Models of Superposition", slug="toy-models", tags=["interp"]),
        f.PaperFactory(name="AI Control", slug="ai-control-paper", year=2023),
    ]
    papers[0].agendas.add(interp)
    papers[0].organizations.add(orgs[0])
    papers[1].agendas.add(control)
    papers[1].organizations.add(orgs[2])
    fm = f.FailureModeFactory(name="Deceptive alignment", slug="deceptive-alignment")
    fm.agendas.add(interp, control)
    fm.papers.add(*papers)
    program = f.ProgramFactory(name="MATS", slug="mats", organizer=orgs[2])
    program.agendas.add(interp)
    researcher = f.RoleFactory(
        name="AI Safety Researcher",
        slug="ai-safety-researcher",
        typical_education="PhD or equivalent research experience",
        typical_experience="2–5 years of ML research",
        top_employer_types="Frontier labs, safety nonprofits",
        growth_outlook="Strong",
        tags=["interp"],
    )
    engineer = f.RoleFactory(name="Research Engineer", slug="research-engineer")
    researcher.related_roles.add(engineer)
    researcher.agendas.add(interp)
    researcher.hiring_organizations.add(orgs[0], orgs[2])
    researcher.programs.add(program)
    researcher.employer_types.add(lab, nonprofit)
    for role in (researcher, engineer):
        f.RoleDutyFactory.create_batch(3, role=role)
        f.QualificationFactory(role=role)
        f.RoleFAQFactory.create_batch(2, role=role)
    guide = f.GuideFactory(name="Start in interpretability", slug="start-interp")
    step = f.GuideStepFactory(guide=guide)
    step.agendas.add(interp)
    step.papers.add(papers[0])


# --- Screenshots ----------------------------------------------------------------


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- axe-core -------------------------------------------------------------------


def axe_violations(page, tags=AXE_TAGS) -> list[dict]:
    """Run axe-core on the current page (WCAG 2.0–2.2 A/AA rules); return the violations."""
    require("axe")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        list(tags),
    )
    return result["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"      {' '.join(map(str, node['target']))} — {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"      … and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


# --- Nu HTML Checker ------------------------------------------------------------


def vnu_errors_batch(documents: dict[str, str]) -> dict[str, list[dict]]:
    """Validate several HTML documents in one JVM run: ``{name: html}`` → ``{name: errors}``.

    Each error is vnu's JSON message (``message``, ``lastLine``, ``extract``…).
    """
    require("vnu")
    results: dict[str, list[dict]] = {name: [] for name in documents}
    if not documents:
        return results
    with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
        by_path = {}
        for index, (name, html) in enumerate(documents.items()):
            path = Path(tmp) / f"page-{index:03d}.html"
            path.write_text(html, encoding="utf-8")
            by_path[str(path.resolve())] = name
        proc = subprocess.run(
            [
                "java",
                "-Xss4m",
                "-jar",
                str(VNU_JAR),
                "--errors-only",
                "--format",
                "json",
                "--stdout",
                *by_path,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu produced no JSON report:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    for message in report.get("messages", []):
        if message.get("type") not in {"error", "non-document-error"}:
            continue
        name = by_path.get(str(Path(unquote(urlparse(message.get("url", "")).path)).resolve()))
        if name is None:
            pytest.fail(f"vnu message for an unknown document: {message}", pytrace=False)
        results[name].append(message)
    return results


def vnu_errors(html: str) -> list[dict]:
    """Validate one HTML document (prefer ``vnu_errors_batch``: each call starts a JVM)."""
    return vnu_errors_batch({"document": html})["document"]


def format_vnu(errors: list[dict]) -> str:
    lines = []
    for error in errors:
        extract = " ".join((error.get("extract") or "").split())
        lines.append(f"  line {error.get('lastLine', '?')}: {error['message']}  «{extract[:160]}»")
    return "\n".join(lines)
