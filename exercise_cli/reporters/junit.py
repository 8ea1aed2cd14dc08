"""JUnit XML: one testcase per check, grouped in one testsuite per criterion."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from exercise_cli.results import Report

# What XML 1.0 forbids in a document, even escaped: ElementTree would write it and make the file
# invalid, so it is stripped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name=_xml(f"exercise {report.exercise}"), time=f"{report.seconds:.3f}")
    for criterion in report.criteria:
        checks = criterion.checks
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=_xml(f"{criterion.id}: {criterion.title}"),
            tests=str(len(checks)),
            failures=str(sum(c.status == "failed" for c in checks)),
            skipped=str(sum(c.status in ("skipped", "pending") for c in checks)),
        )
        for check in checks:
            case = ET.SubElement(suite, "testcase", classname=_xml(f"exercise_{report.exercise}.{criterion.id}"),
                                 name=_xml(f"{check.id}: {check.title or check.id}"))
            where = f"{check.file}:{check.line}: " if check.file and check.line else f"{check.file}: " if check.file else ""
            if check.status == "failed":
                failure = ET.SubElement(case, "failure", message=_xml(where + check.message))
                failure.text = _xml(f"{where}{check.message}\nhint: {check.hint}" if check.hint else where + check.message)
            elif check.status in ("skipped", "pending"):
                ET.SubElement(case, "skipped", message=_xml(check.message))
            else:
                ET.SubElement(case, "system-out").text = _xml(check.message)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
