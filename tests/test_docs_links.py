"""Every relative link and #anchor in README.md and docs/*.md resolves.

Anchors are made as GitHub makes them from headings, so a link that works here works there too.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# [text](target) or [text](target "title"); images too. Inline code is blanked first.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
INLINE_CODE = re.compile(r"`+[^`]*`+")


def prose_lines(text: str):
    """(line number, line) outside fenced code blocks, where headings and links mean something."""
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            inside = not inside
            continue
        if not inside:
            yield number, line


def github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation gone, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for _, line in prose_lines(page.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def links_of(page: Path):
    for number, line in prose_lines(page.read_text(encoding="utf-8")):
        for target in LINK.findall(INLINE_CODE.sub("", line)):
            yield number, target


def relative_links():
    for page in PAGES:
        for number, target in links_of(page):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
                continue  # http:, https:, mailto:: not this test's business
            yield pytest.param(page, target, id=f"{page.relative_to(ROOT)}:{number}:{target}")


def test_the_readme_links_to_every_docs_page():
    pages = {page.relative_to(ROOT).as_posix() for page in PAGES[1:]}
    linked = {target.partition("#")[0] for _, target in links_of(ROOT / "README.md")}
    assert pages and pages <= linked, f"not linked from the README: {sorted(pages - linked)}"


def test_the_slug_is_githubs():
    assert github_slug("`exercise check --live URL`") == "exercise-check---live-url"
    assert github_slug("Trust boundary: what runs where") == "trust-boundary-what-runs-where"
    assert github_slug("Exercise 5.2: the scheduler decides \"not until all three\"") == (
        "exercise-52-the-scheduler-decides-not-until-all-three")


def test_the_link_pattern_finds_what_it_should():
    found = list(LINK.findall("see [a](docs/x.md#y), ![img](i.png) and [b](https://e.org \"t\")"))
    assert found == ["docs/x.md#y", "i.png", "https://e.org"]


@pytest.mark.parametrize(("page", "target"), list(relative_links()))
def test_relative_link_resolves(page: Path, target: str):
    path, _, anchor = target.partition("#")
    destination = (page.parent / path).resolve() if path else page
    assert destination.exists(), f"{page.name}: {target}: no such file {destination}"
    assert ROOT in destination.parents or destination == ROOT, f"{page.name}: {target} leaves the repository"
    if anchor:
        assert destination.suffix == ".md", f"{page.name}: {target}: an anchor into a file that is not Markdown"
        assert anchor in anchors_of(destination), (
            f"{page.name}: {target}: no heading in {destination.name} makes #{anchor}")
