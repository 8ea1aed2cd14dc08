"""JUnit XML: one testcase per check, grouped in one testsuite per criterion."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from exercise_cli.results import Report


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name=f"exercise {report.exercise}", time=f"{report.seconds:.3f}")
    for criterion in report.criteria:
        checks = criterion.checks
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{criterion.id}: {criterion.title}",
            tests=str(len(checks)),
            failures=str(sum(c.status == "failed" for c in checks)),
            skipped=str(sum(c.status in ("skipped", "pending") for c in checks)),
        )
        for check in checks:
            case = ET.SubElement(suite, "testcase", classname=f"exercise_{report.exercise}.{criterion.id}",
                                 name=f"{check.id}: {check.title or check.id}")
            where = f"{check.file}:{check.line}: " if check.file and check.line else f"{check.file}: " if check.file else ""
            if check.status == "failed":
                failure = ET.SubElement(case, "failure", message=where + check.message)
                failure.text = f"{where}{check.message}\nhint: {check.hint}" if check.hint else where + check.message
            elif check.status in ("skipped", "pending"):
                ET.SubElement(case, "skipped", message=check.message)
            else:
                ET.SubElement(case, "system-out").text = check.message
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
