"""Long management commands draw a progress line on a terminal, and only there.

``core.progress`` (tqdm) writes to the command's stdout when it is a TTY; in CI
logs, pipes and tests (a plain stream) the output is what it was before.
"""

import io

import pytest
from django.core.management import call_command

from core import progress
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

COMMANDS = ["rebuild_search_index", "check_links", "import_content", "generate_synthetic_content"]
LABELS = {
    "rebuild_search_index": "Indexing Organizations",
    "check_links": "Checking links",
    "import_content": "Importing",
    "generate_synthetic_content": "organizations",
}


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(command, stream, tmp_path, **options):
    args = []
    if command == "import_content":
        exported = io.StringIO()
        call_command("export_content", stdout=exported, stderr=io.StringIO())
        path = tmp_path / "content.json"
        path.write_text(exported.getvalue(), encoding="utf-8")
        args = [str(path)]
    if command == "generate_synthetic_content":
        options = {"scale": 0.001, "seed": 3, "skip_search_index": True, **options}
    call_command(command, *args, stdout=stream, **options)
    return stream.getvalue()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_terminal_sees_a_progress_line(command, tmp_path):
    OrganizationFactory.create_batch(3)
    output = run(command, Terminal(), tmp_path)
    progress_lines = [part for part in output.split("\r") if LABELS[command] in part]
    assert progress_lines, output
    assert any("it/s" in part or "rows/s" in part or "/s]" in part for part in progress_lines)


@pytest.mark.parametrize("command", COMMANDS)
def test_no_terminal_no_progress(command, tmp_path):
    OrganizationFactory.create_batch(3)
    output = run(command, io.StringIO(), tmp_path)
    assert "\r" not in output
    assert "/s]" not in output
    assert output  # the command's own summary is still written


def test_verbosity_zero_keeps_a_terminal_quiet(tmp_path):
    OrganizationFactory.create_batch(2)
    assert run("rebuild_search_index", Terminal(), tmp_path, verbosity=0) == ""


def test_track_is_the_iterable_itself_when_nobody_watches():
    items = [1, 2, 3]
    assert progress.track(items, desc="x") is items
    counted = []
    assert progress.track(items, desc="x", total=lambda: counted.append(1) or 3) is items
    assert counted == []  # the total (a count query, say) is not even asked for

    class Command:
        stdout = Terminal()

    with progress.reporting(Command()) as on:
        assert on and progress.enabled()
        assert list(progress.track(items, desc="Counting")) == items
    assert not progress.enabled()
    assert "Counting" in Command.stdout.getvalue()
