"""The copy Airflow parses is the learner's source as its UTF-8 twin, line for line (grading/submission.py)."""

from __future__ import annotations

import pytest

from exercise_cli.grading.submission import utf8_source

TWIN = '"""é"""\nx = "café"\n'


@pytest.mark.parametrize("source", [
    b"# -*- coding: latin-1 -*-\n" + TWIN.encode("latin-1"),
    b"#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-15 :\n" + TWIN.encode("iso-8859-15"),
    b"# coding=cp1252\r\n" + TWIN.replace("\n", "\r\n").encode("cp1252"),
])
def test_a_coding_line_becomes_utf8_and_every_line_stays_where_it_was(source: bytes) -> None:
    copied = utf8_source(source)
    assert copied.decode("utf-8").endswith(TWIN if b"\r\n" not in source else TWIN.replace("\n", "\r\n"))
    assert copied.count(b"\n") == source.count(b"\n")
    assert [line for line in copied.splitlines()[:2] if b"coding" in line][0].rstrip().endswith((b"utf-8", b"utf-8 -*-", b"utf-8 :"))
    compile(copied, "copy.py", "exec")  # the rewritten coding line agrees with the bytes


def test_a_bom_is_dropped() -> None:
    assert utf8_source(b"\xef\xbb\xbf" + TWIN.encode()) == TWIN.encode()


@pytest.mark.parametrize("source", [TWIN.encode(), b"# -*- coding: klingon -*-\nx = 1\n", b"x = '\xe9'\n"])
def test_utf8_and_what_python_cannot_decode_are_copied_as_they_are(source: bytes) -> None:
    assert utf8_source(source) == source
