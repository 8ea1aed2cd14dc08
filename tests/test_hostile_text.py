"""Learner text is data in every output: hostile submissions (tests/hostile/), hostile file and folder
names made at test time, and hostile report files, through every command and every output format.

Each output is read the way its consumer reads it (a terminal, a JSON parser, an XML parser, a
Markdown renderer, a CSV reader) and must hold no raw control character and no live markup.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import termios
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import REPO, TESTS
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from exercise_cli.app import app
from exercise_cli.atomic_file import write_atomically
from exercise_cli.grading.batch import Gradebook, Row, spreadsheet_safe
from exercise_cli.learner_text import MAX_CHARS, clean

HOSTILE = TESTS / "hostile"
SOLUTION = REPO / "solution" / "exercise_5_1" / "exercise_5_1_producer_consumer.py"
EXERCISE = str(Path(sys.executable).parent / "exercise")
ENV = {"COLUMNS": "400", "NO_COLOR": "1"}  # wide: a visible escape is never wrapped in two
FIXTURES = ["prints_terminal_escapes", "raises_lone_surrogate_at_import", "injects_markdown_and_html"]
# What a fixture's own text turns into once cleaned: shown, as text, where the raw text would act.
SHOWN = {
    "prints_terminal_escapes": ["\\x1b[2J", "\\x1b]52;c;", "\\x00", "\\x0doverwritten", "\\x9b31m"],
    "raises_lone_surrogate_at_import": ["ValueError: \\ud800"],
    "injects_markdown_and_html": ["<img src=x onerror=alert(document.cookie)>", "- ✔ **All checks passed**"],
}
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")  # all but newline and tab
MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def run(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def no_raw_control(text: str, where: str) -> None:
    found = RAW_CONTROL.search(text)
    assert found is None, f"{where}: raw {found.group()!r} in ...{text[max(0, found.start() - 80):found.end() + 40]!r}"


def strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.items() for v in item for s in strings_in(v)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def in_terminal(args: list[str]) -> tuple[bytes, int]:
    """What a command writes to a real pseudo-terminal (its stdout), as bytes, and its exit code."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 400, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    proc = subprocess.Popen([EXERCISE, *args], stdin=follower, stdout=follower, stderr=subprocess.DEVNULL, env=env, close_fds=True)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the pty closes when the command ends
            break
        if not data:
            break
        chunks.append(data)
    code = proc.wait(timeout=300)
    os.close(leader)
    return b"".join(chunks), code


def without_own_styling(screen: bytes) -> str:
    """A terminal's text minus the colours (SGR) Rich itself sends: any other control character came
    from the data."""
    text = screen.decode("utf-8", errors="surrogateescape").replace("\r\n", "\n")  # the pty's own line ends
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


# The hostile submissions, through `check` and `report` --------------------------------------------

@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory, served_checks) -> dict[str, dict]:
    """Each fixture checked once in full: the checklist, --json, --junit and --gradescope (through the warm
    grading server, as a learner's checks after the first are)."""
    out = tmp_path_factory.mktemp("checked")
    results = {}
    for name in FIXTURES:
        junit, gradescope, saved = out / f"{name}.xml", out / f"{name}.results.json", out / f"{name}.report.json"
        shown = run("check", str(HOSTILE / name), "--junit", str(junit), "--gradescope", str(gradescope))
        as_json = run("check", str(HOSTILE / name), "--json")
        saved.write_text(as_json.stdout, encoding="utf-8")
        results[name] = {"shown": shown, "json": as_json, "junit": junit, "gradescope": gradescope, "saved": saved}
    return results


@pytest.mark.parametrize("name", FIXTURES)
def test_the_checklist_shows_learner_text_as_text(checked: dict, name: str) -> None:
    shown = checked[name]["shown"]
    assert shown.exit_code == 1, shown.output
    assert "Traceback" not in shown.output
    no_raw_control(shown.output, "checklist")
    for text in SHOWN[name]:
        assert text in shown.output, f"{text!r} is not shown literally"
    assert "NOT YET" in shown.output


@pytest.mark.parametrize("name", FIXTURES)
def test_json_holds_no_raw_control_character(checked: dict, name: str) -> None:
    result = checked[name]["json"]
    assert result.exit_code == 1
    document = json.loads(result.stdout)  # exactly one document
    assert document["passed"] is False
    for text in strings_in(document):
        no_raw_control(text, "--json")
    messages = "\n".join(strings_in(document))
    for text in SHOWN[name]:
        assert text in messages


@pytest.mark.parametrize("name", FIXTURES)
def test_junit_is_well_formed_xml(checked: dict, name: str) -> None:
    root = ET.parse(checked[name]["junit"]).getroot()  # an XML parser refuses what XML 1.0 forbids
    report = json.loads(checked[name]["json"].stdout)
    assert len(root.findall(".//testcase")) == sum(len(c["checks"]) for c in report["criteria"])
    for element in root.iter():
        for text in [element.text or "", *element.attrib.values()]:
            no_raw_control(text, "--junit")
    assert root.findall(".//failure")


@pytest.mark.parametrize("name", FIXTURES)
def test_gradescope_markdown_renders_no_markup_from_the_submission(checked: dict, name: str) -> None:
    results = json.loads(checked[name]["gradescope"].read_text(encoding="utf-8"))
    report = json.loads(checked[name]["json"].stdout)
    checks = {c["title"]: c["checks"] for c in report["criteria"]}
    assert results["tests"]
    for test in results["tests"]:
        no_raw_control(test["output"], "--gradescope")
        assert "<img" not in test["output"] and "<script" not in test["output"]
        tokens = MARKDOWN.parse(test["output"])
        inline = [child for token in tokens for child in (token.children or [])]
        kinds = {token.type for token in tokens} | {child.type for child in inline}
        assert not kinds & {"html_block", "html_inline", "image", "link_open", "heading_open", "table_open", "s_open"}, kinds
        expected = checks[test["name"]]
        items = [t for t in tokens if t.type == "list_item_open" and t.level == 1]
        hints = sum(1 for c in expected if c["status"] == "failed" and c["hint"])
        assert len(items) == len(expected), "a message added or removed a checklist row"
        assert len([t for t in tokens if t.type == "list_item_open"]) == len(expected) + hints
        assert [c.type for c in inline].count("strong_open") == len(expected)  # the titles alone are bold
    rendered = MARKDOWN.render("\n".join(test["output"] for test in results["tests"]))
    for text in SHOWN[name]:
        assert text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in rendered


@pytest.mark.parametrize("name", FIXTURES)
def test_report_of_a_saved_report_shows_learner_text_as_text(checked: dict, name: str) -> None:
    result = run("report", str(checked[name]["saved"]))
    assert result.exit_code == 1, result.output
    no_raw_control(result.output, "report")
    for text in SHOWN[name]:
        assert text in result.output


def test_a_terminal_receives_no_escape_sequence_from_the_submission() -> None:
    screen, code = in_terminal(["check", str(HOSTILE / "prints_terminal_escapes")])
    assert code == 1
    text = without_own_styling(screen)
    no_raw_control(text, "terminal")
    assert "\\x1b]8;;http://evil.example/" in text and "NOT YET" in text


# Hostile names, made at test time ----------------------------------------------------------------

# Rich markup and spreadsheet formulas, as far as a file name can hold them (no slash).
NAMES = ["[bold]x", "[link=mailto:evil@example.com]y", '=HYPERLINK("evil.example","x")', "+1", "@a", "-2"]


def _not_utf8(folder: Path, name: bytes) -> Path:
    """A file or folder whose name is not UTF-8 (a file system that refuses one, as macOS's does, skips)."""
    path = os.path.join(os.fsencode(folder), name)
    try:
        with open(path, "w") as f:
            f.write("")
        os.unlink(path)
    except OSError as exc:
        pytest.skip(f"this file system refuses a name that is not UTF-8: {exc}")
    return Path(os.fsdecode(path))


@pytest.mark.tier_independent
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "dags"
    folder.mkdir()
    shutil.copy(SOLUTION, folder / "solution.py")
    broken = _not_utf8(folder, b"caf\xe9.py")
    broken.write_text("from airflow.sdk import dag\n\nraise ValueError('the cafe is closed')\n", encoding="utf-8")
    junit, gradescope = tmp_path / "junit.xml", tmp_path / "results.json"
    shown = run("check", "--static", str(folder), "--junit", str(junit), "--gradescope", str(gradescope))
    assert shown.exit_code == 1, shown.output
    no_raw_control(shown.output, "checklist")
    assert "caf\\xe9.py" in shown.output
    document = json.loads(run("check", "--static", str(folder), "--json").stdout)
    files_import = next(c for cr in document["criteria"] for c in cr["checks"] if c["id"] == "files_import")
    assert files_import["status"] == "failed" and files_import["file"].endswith("caf\\xe9.py")
    ET.parse(junit)
    assert "caf\\xe9.py `" in json.loads(gradescope.read_text(encoding="utf-8"))["tests"][0]["output"]  # in a code span


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A class folder of hostile names and hostile submissions, graded once in full."""
    root = tmp_path_factory.mktemp("class")
    folder = root / "class"
    folder.mkdir()
    members = {name: SOLUTION for name in NAMES}
    members.update({f"hostile {name}": HOSTILE / name / "dags.py" for name in FIXTURES})
    for name, source in members.items():
        (folder / name).mkdir()
        shutil.copy(source, folder / name / "dags.py")
    not_utf8 = _not_utf8(folder, b"caf\xe9")
    not_utf8.mkdir()
    shutil.copy(SOLUTION, not_utf8 / "dags.py")
    shutil.copy(SOLUTION, _not_utf8(folder, b"\xffzed.py"))  # a top-level file, its name not UTF-8
    (folder / "zz last").mkdir()  # after caf\xe9: its row must not be lost
    shutil.copy(SOLUTION, folder / "zz last" / "dags.py")
    gradebook, book_json = root / "grades.csv", root / "grades.json"
    result = run("grade", str(folder), "--jobs", "2", "--csv", str(gradebook), "--json", str(book_json))
    return {"result": result, "csv": gradebook, "json": book_json, "count": len(members) + 3}


@pytest.mark.tier_independent
def test_grade_keeps_every_row_and_shows_names_literally(graded_class: dict) -> None:
    result = graded_class["result"]
    assert result.exit_code == 1, result.output  # all graded; the hostile fixtures did not pass
    assert "Traceback" not in result.output
    no_raw_control(result.output, "grade table")
    count = graded_class["count"]
    assert f"{count} of {count} submissions graded" in result.output
    for name in NAMES:
        assert name in result.output, f"{name!r} is not shown literally"
    assert "caf\\xe9" in result.output and "\\xffzed.py" in result.output


@pytest.mark.tier_independent
def test_the_csv_gradebook_neutralises_formulas(graded_class: dict) -> None:
    text = graded_class["csv"].read_text(encoding="utf-8")
    no_raw_control(text.replace("\r\n", "\n"), "CSV gradebook")
    rows = {r["submission"]: r for r in csv.DictReader(graded_class["csv"].open(encoding="utf-8", newline=""))}
    assert len(rows) == graded_class["count"]
    for name in NAMES:
        shown = "'" + name if name.startswith(FORMULA_START) else name
        assert shown in rows, f"{shown!r} not in {sorted(rows)}"
    for cell in (value for row in rows.values() for value in row.values()):
        assert not cell.startswith(FORMULA_START), cell
    assert rows["[bold]x"]["passed"] == "True" and rows["zz last"]["passed"] == "True"
    assert rows["caf\\xe9"]["passed"] == "True"  # the folder's name is not UTF-8, its file's is
    # Airflow cannot import a file whose own name is not UTF-8: graded, and that is the learner's failure.
    assert rows["\\xffzed.py"]["registered"] == "failed" and not rows["\\xffzed.py"]["error"]
    for name in FIXTURES:
        assert rows[f"hostile {name}"]["passed"] == "False" and not rows[f"hostile {name}"]["error"]


@pytest.mark.tier_independent
def test_the_json_gradebook_holds_every_row_as_text(graded_class: dict) -> None:
    rows = json.loads(graded_class["json"].read_text(encoding="utf-8"))
    assert len(rows) == graded_class["count"]
    for text in strings_in(rows):
        no_raw_control(text, "JSON gradebook")
    assert set(NAMES) <= {row["submission"] for row in rows}  # data, not a spreadsheet: names as they are


# `exercise report` on files that are not reports -------------------------------------------------

def _report(**changes) -> dict:
    check = {"id": "files_import", "status": "failed", "message": "it failed", "hint": "", "file": "dags.py", "line": 3,
             "title": "DAG files import without errors"}
    criterion = {"id": "registered", "title": "Both DAGs are registered", "status": "failed", "counts": True, "checks": [check]}
    doc = {"exercise": "5.1", "title": "Exercise 5.1", "mode": "full", "passed": False, "isolation": "sandbox",
           "criteria": [criterion]}
    for key, value in changes.items():
        target = check if key.startswith("check_") else criterion if key.startswith("criterion_") else doc
        target[key.removeprefix("check_").removeprefix("criterion_")] = value
    return doc


MALFORMED = {
    "unknown_status": (json.dumps(_report(check_status="excellent")), "status is not one of"),
    "message_not_text": (json.dumps(_report(check_message={"a": ["b"]})), "message is not a text"),
    "line_not_a_number": (json.dumps(_report(check_line="3")), "line is not a line number"),
    "counts_not_a_boolean": (json.dumps(_report(criterion_counts="yes")), "counts is not true or false"),
    "checks_not_a_list": (json.dumps(_report(criterion_checks="none")), "no list 'checks'"),
    "unknown_mode": (json.dumps(_report(mode="hacked")), "mode is not one of"),
    "not_an_object": ("[1, 2, 3]", "the report is not a JSON object"),
    "deep_nesting": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "deep_nesting_in_a_field": (json.dumps(_report(check_message=json.loads("[" * 500 + "]" * 500))), "message is not a text"),
    "not_json": ("PASSED 18 passed, 0 failed", "is not JSON"),
    "empty": ("", "is not JSON"),
    "too_many_checks": (json.dumps(_report(criterion_checks=[_report()["criteria"][0]["checks"][0]] * 1000)), "at most"),
}


@pytest.mark.tier_independent
@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_report_answers_a_malformed_file_with_one_line(tmp_path: Path, case: str) -> None:
    text, said = MALFORMED[case]
    path = tmp_path / f"{case}.json"
    path.write_text(text, encoding="utf-8")
    result = run("report", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and said in lines[0], result.output


@pytest.mark.tier_independent
def test_report_refuses_a_huge_file_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"criteria": ["' + "x" * (9 * 2**20) + '"]}')
    result = run("report", str(path))
    assert result.exit_code == 2 and "larger than 8 MiB" in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.tier_independent
def test_report_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps(_report(check_message="cafe")).encode().replace(b"cafe", b"caf\xe9"))
    result = run("report", str(path))
    assert result.exit_code == 2 and "not UTF-8" in result.output


@pytest.mark.tier_independent
def test_report_renders_no_markup_and_no_escape_from_a_hostile_report(tmp_path: Path) -> None:
    path = tmp_path / "hostile.json"
    doc = _report(title="[link=http://evil.example]Exercise[/link] [bold red]PASSED[/]",
                  criterion_title="[blink]registered[/blink]", check_message="\x1b]52;c;ZXZpbA==\x07 \x1b[2J done",
                  check_file="[i]dags.py[/i]", check_title="\x1b[8mhidden")
    path.write_text(json.dumps(doc), encoding="utf-8")
    for args in (["report", str(path)], ["report", str(path), "--criterion", "registered"]):
        result = run(*args)
        assert result.exit_code == 1, result.output
        no_raw_control(result.output, "report")
        for text in ("[blink]registered[/blink]", "\\x1b]52;c;ZXZpbA==\\x07", "[i]dags.py[/i]", "\\x1b[8mhidden"):
            assert text in result.output, text
    assert "[link=http://evil.example]Exercise[/link] [bold red]PASSED[/]" in run("report", str(path)).output
    screen, code = in_terminal(["report", str(path)])
    assert code == 1
    text = without_own_styling(screen)
    no_raw_control(text, "terminal")
    assert "\x1b]8;" not in screen.decode(errors="replace")  # Rich made no link of the title


@pytest.mark.tier_independent
def test_report_error_lines_render_no_markup_from_a_file_name(tmp_path: Path) -> None:
    path = tmp_path / "[bold]missing[/bold].json"
    result = run("report", str(path))
    assert result.exit_code == 2 and "[bold]missing[/bold].json" in result.output


# The parts: cleaning, spreadsheet cells, files written whole --------------------------------------

@pytest.mark.tier_independent
def test_clean_replaces_what_no_encoder_or_terminal_should_get() -> None:
    not_utf8 = b"caf\xe9".decode("utf-8", errors="surrogateescape")
    assert clean("a\x1b[2Jb\r\nc\rd\x00\t\n\x9b\u202e" + "\ud800" + not_utf8) == "a\\x1b[2Jb\nc\\x0dd\\x00\t\n\\x9b\\u202e\\ud800caf\\xe9"
    assert clean(b"caf\xe9 \x07") == "caf\\xe9 \\x07"
    assert clean("plain text, unchanged: é ✔ 🙂") == "plain text, unchanged: é ✔ 🙂"
    for text in ("x" * 200_000, "\x1b" * 100_000, "ok\n" * 50_000 + "ValueError: last"):
        once = clean(text)
        assert len(once) <= MAX_CHARS and clean(once) == once
        once.encode("utf-8")
    assert clean("head " + "x" * 200_000 + " ValueError: the end").endswith("ValueError: the end")


@pytest.mark.tier_independent
def test_spreadsheet_cells_that_start_a_formula_are_quoted() -> None:
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(cell) == "'" + cell
    for cell in ("alice", "[bold]x[/bold]", "a=b", ""):
        assert spreadsheet_safe(cell) == cell


@pytest.mark.tier_independent
def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    write_atomically(target, "old, whole")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "new" + "\ud800")  # fails while writing
    assert target.read_text(encoding="utf-8") == "old, whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


@pytest.mark.tier_independent
def test_two_gradebooks_on_one_file_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "grades.csv"
    first, second = Gradebook(path, None), Gradebook(path, None)
    for i in range(5):
        for book, who in ((first, "first"), (second, "second")):
            book.add(Row(f"{who}-{i}"))
            rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
            assert [r["submission"] for r in rows] == [f"{who}-{j}" for j in range(i + 1)]  # one run's rows, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grades.csv"]
