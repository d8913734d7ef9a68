# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""esus.pec.readiness_report through real ansible-playbook runs on localhost, and its page in headless Chromium.

Successive weekly reports in one folder (history kept and bounded, what changed, an unchanged week writes
nothing, check mode writes nothing); esus.pec.report_merge on job-slice reports (union, latest audit wins, a
file that is not a report refused); and a country-sized page, 5,570 hosts from three slices, loaded in
Chromium with its filters and sort driven through the address (#group=, #q=, #sort=).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils import report
from tests.support.chromium import CHROMIUM
from tests.support.chromium import FLAGS as CHROMIUM_FLAGS
from tests.support.collection import REPO, ansible_env, run_playbook
from tests.unit.plugins.plugin_utils.test_report import fleet, readiness_for

HERE = Path(__file__).resolve().parent
PLAYBOOK = HERE / "playbooks" / "report.yml"


def localhost(*options: str, playbook: str | Path = PLAYBOOK) -> subprocess.CompletedProcess:
    """ansible-playbook on localhost over the local connection, with this venv's Python."""
    return run_playbook(
        playbook,
        Path("localhost,"),
        ansible_env(),
        "-c",
        "local",
        "-e",
        "ansible_python_interpreter=%s" % sys.executable,
        *options,
    )


def write_week(tmp_path: Path, generated: str, states: dict, *options: str) -> dict:
    """One weekly report into tmp_path/report from hosts given as host: state or (state, days, fingerprint);
    the module's result."""
    facts = {}
    for host, spec in states.items():
        state, days, fingerprint = (spec, None, None) if isinstance(spec, str) else spec
        facts[host] = readiness_for(state, host, days, fingerprint, municipality="São José %s" % host, uf="SC")
    variables = tmp_path / ("week-%s.json" % generated[:10])
    variables.write_text(
        json.dumps(
            {
                "report_hosts": list(states),
                "report_readiness": {host: found for host, found in facts.items() if found is not None},
                "report_dir": str(tmp_path / "report"),
                "report_generated": generated,
            }
        )
    )
    result = localhost("-e", "@%s" % variables, *options)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((tmp_path / "report.result.json").read_text())


def saved(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "report" / "readiness.json").read_text())


def history(tmp_path: Path) -> list:
    folder = tmp_path / "report" / "history"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


WEEK_1 = {"a": "ok", "b": ("expired", 10, "B1"), "c": ("ok", 200, "C1"), "d": "ok", "gone": "ok"}
WEEK_2 = {"a": "wrong_password", "b": ("ok", 365, "B2"), "c": ("ok", 560, "C2"), "d": "ok", "new": "no_chaves"}
WEEK_3 = {"a": "ok", "b": ("ok", 365, "B2"), "c": ("ok", 560, "C2"), "d": "unreachable", "new": "ok"}


def test_successive_reports_keep_a_bounded_history_and_say_what_changed(tmp_path):
    first = write_week(tmp_path, "2026-11-04T06:00:00Z", WEEK_1, "-e", "report_history=2")
    assert first["changed"] and first["archived"] is None and history(tmp_path) == []
    assert first["changes"]["since"] is None

    second = write_week(tmp_path, "2026-11-11T06:00:00Z", WEEK_2, "-e", "report_history=2")
    assert second["archived"] == str(tmp_path / "report" / "history" / "readiness-20261104T060000Z.json")
    assert saved(tmp_path)["changes"] == {
        "since": "2026-11-04T06:00:00Z",
        "newly_not_ready": ["a"],
        "fixed": ["b"],
        "renewed": ["b", "c"],
        "new_hosts": ["new"],
        "gone_hosts": ["gone"],
        # issue 24: how the page names the hosts it lists (municipality/UF, not the host id)
        "labels": {h: "São José %s/SC" % h for h in ("a", "b", "c", "gone", "new")},
    }
    table = list(
        csv.reader(io.StringIO((tmp_path / "report" / "readiness.csv").read_text(encoding="utf-8-sig")), delimiter=";")
    )
    changes = {row[0]: row[table[0].index("mudança")] for row in table[1:]}
    assert changes == {
        "a": "deixou de estar pronto",
        "b": "corrigido, certificado renovado",
        "c": "certificado renovado",
        "d": "",
        "new": "novo no relatório",
    }
    page = (tmp_path / "report" / "readiness.html").read_text()
    # issue 24: Brasília time with the zone; the municipality, not the host id
    assert "Mudanças desde o relatório de 04/11/2026 03:00 (horário de Brasília, UTC-03:00)" in page
    assert '<li title="gone">São José gone/SC</li>' in page

    third = write_week(tmp_path, "2026-11-18T06:00:00Z", WEEK_3, "-e", "report_history=2")
    assert third["changes"]["newly_not_ready"] == ["d"] and third["changes"]["fixed"] == ["a", "new"]
    assert third["changes"]["renewed"] == [] and saved(tmp_path)["summary"]["unknown"] == 1
    assert history(tmp_path) == ["readiness-20261104T060000Z.json", "readiness-20261111T060000Z.json"]

    same = write_week(tmp_path, "2026-11-25T06:00:00Z", WEEK_3, "-e", "report_history=2")
    assert not same["changed"] and same["archived"] is None  # an unchanged week writes and moves nothing
    assert saved(tmp_path)["generated"] == "2026-11-18T06:00:00Z" and len(history(tmp_path)) == 2

    fourth = write_week(tmp_path, "2026-11-25T06:00:00Z", dict(WEEK_3, d="ok"), "-e", "report_history=2")
    assert fourth["changed"] and fourth["changes"]["fixed"] == ["d"]
    assert history(tmp_path) == ["readiness-20261111T060000Z.json", "readiness-20261118T060000Z.json"]
    kept = json.loads((tmp_path / "report" / "history" / "readiness-20261118T060000Z.json").read_text())
    assert kept["changes"]["newly_not_ready"] == ["d"]  # the history holds whole reports, changes included


def test_check_mode_writes_and_moves_nothing(tmp_path):
    write_week(tmp_path, "2026-11-18T06:00:00Z", WEEK_1)
    before = {p: p.read_bytes() for p in (tmp_path / "report").rglob("*") if p.is_file()}
    result = write_week(tmp_path, "2026-11-25T06:00:00Z", WEEK_2, "--check")
    assert result["changed"] and result["changes"]["newly_not_ready"] == ["a"]
    assert {p: p.read_bytes() for p in (tmp_path / "report").rglob("*") if p.is_file()} == before


def test_english_report(tmp_path):
    write_week(tmp_path, "2026-11-25T06:00:00Z", {"a": "wrong_password", "b": "ok"}, "-e", "report_language=en")
    text = (tmp_path / "report" / "readiness.csv").read_text(encoding="utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header == list(report.CSV_COLUMNS) and "Wrong password" in text
    page = (tmp_path / "report" / "readiness.html").read_text()
    assert '<html lang="en">' in page and "check the certificate&#39;s password in the inventory (vault)" in page
    assert saved(tmp_path)["language"] == "en"


def write_slice(folder: Path, generated: str, hosts: dict) -> Path:
    """A job slice's readiness.json, as the slice's own audit would have left it."""
    rows = [report.record(host, found, generated) for host, found in hosts.items()]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "readiness.json").write_text(report.to_json(report.build(rows, generated)), encoding="utf-8")
    return folder / "readiness.json"


def merge(tmp_path: Path, parts: list, *options: str) -> subprocess.CompletedProcess:
    return localhost(
        "-e",
        "report_parts=%s" % ",".join(str(p) for p in parts),
        "-e",
        "rnds_readiness_report_dir=%s" % (tmp_path / "merged"),
        *options,
        playbook="esus.pec.report_merge",
    )


def test_merge_playbook_unites_two_slices_and_the_latest_audit_wins(tmp_path):
    one = write_slice(
        tmp_path / "slice1",
        "2026-11-25T06:00:00Z",
        {"a": readiness_for("ok", "a"), "b": readiness_for("expired", "b"), "shared": readiness_for("expired", "s")},
    )
    two = write_slice(
        tmp_path / "slice2",
        "2026-11-25T06:40:00Z",
        {"c": readiness_for("no_chaves", "c"), "shared": readiness_for("ok", "s"), "down": None},
    )
    result = merge(tmp_path, [one, two.parent])  # a slice may be named by its folder
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Merged report: 5 hosts, 2 ready, 2 not ready, 1 unknown." in " ".join(result.stdout.split())
    merged = json.loads((tmp_path / "merged" / "readiness.json").read_text())
    by_host = {row["host"]: row for row in merged["hosts"]}
    assert sorted(by_host) == ["a", "b", "c", "down", "shared"]
    assert by_host["shared"]["ready"] is True and by_host["shared"]["audited"] == "2026-11-25T06:40:00Z"
    assert merged["generated"] == "2026-11-25T06:40:00Z"
    assert [part["hosts"] for part in merged["merged_from"]] == [3, 3]
    assert (tmp_path / "merged" / "readiness.csv").exists()
    assert "Junção de 2 relatórios parciais" in (tmp_path / "merged" / "readiness.html").read_text()

    again = merge(tmp_path, [one, two])
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0\s", again.stdout), again.stdout[-2000:]

    write_slice(tmp_path / "slice1", "2026-12-02T06:00:00Z", {"a": readiness_for("wrong_password", "a")})
    later = merge(tmp_path, [one, two])  # next week slice 1 ran again; slice 2 did not
    assert later.returncode == 0, later.stdout[-3000:]
    merged = json.loads((tmp_path / "merged" / "readiness.json").read_text())
    assert merged["changes"]["newly_not_ready"] == ["a"] and merged["changes"]["gone_hosts"] == ["b"]
    assert merged["generated"] == "2026-12-02T06:00:00Z"
    assert [p.name for p in (tmp_path / "merged" / "history").iterdir()] == ["readiness-20261125T064000Z.json"]


@pytest.mark.parametrize(
    "content, words",
    [
        ('{"inventory": {"hosts": []}}', "is not a readiness report"),
        ("host,ready\na,true\n", "is not JSON"),
    ],
)
def test_merge_playbook_refuses_a_file_that_is_not_a_report(tmp_path, content, words):
    good = write_slice(tmp_path / "slice1", "2026-11-25T06:00:00Z", {"a": readiness_for("ok", "a")})
    bad = tmp_path / "slice2" / "readiness.json"
    bad.parent.mkdir()
    bad.write_text(content)
    result = merge(tmp_path, [good, bad])
    assert result.returncode == 2
    output = " ".join(result.stdout.split())
    assert str(bad) in output and words in output and "Nothing was written." in output
    assert not (tmp_path / "merged").exists()


def test_merge_playbook_says_what_it_needs(tmp_path):
    result = localhost(playbook="esus.pec.report_merge")
    assert result.returncode == 2 and "-e report_parts=" in result.stdout


COUNTRY = 5570  # Brazil's municipalities


def chromium(page: Path, profile: Path, *flags: str, fragment: str = "") -> str:
    command = [CHROMIUM, *CHROMIUM_FLAGS, "--user-data-dir=%s" % profile, *flags, page.as_uri() + fragment]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=True).stdout


PHONE = 412  # CSS pixels: a common Android phone's width (headless Chromium windows are at least 500 wide)
# The report page, unchanged (its own policy and script), in a phone-wide frame; this page measures it
PHONE_FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" src="%(page)s" style="width:%(width)dpx;height:900px;border:0"></iframe>
<script>document.getElementById("phone").addEventListener("load", function () {
  var doc = this.contentDocument, view = this.contentWindow;
  var out = Array.prototype.filter.call(doc.querySelectorAll("main *"), function (element) {
    return !element.closest(".scroll") && element.getBoundingClientRect().right > view.innerWidth + 0.5;
  }).map(function (element) { return element.tagName + (element.id ? "#" + element.id : ""); });
  var groups = doc.getElementById("groups").parentNode;  // what to do: read without scrolling sideways
  document.body.setAttribute("data-phone", [doc.documentElement.scrollWidth, view.innerWidth,
    groups.scrollWidth <= groups.clientWidth ? "fits" : "scrolls",
    doc.body.getAttribute("data-ready"), out.slice(0, 10).join(",")].join(" "));
});</script></body></html>
"""


def on_a_phone(page: Path, profile: Path) -> tuple:
    """(page width, viewport width, whether the problem table fits the screen, the page's script ran, elements
    beyond the screen outside a scroll box) of the page in a 412 px wide frame, as a phone shows it."""
    frame = page.with_name("phone-frame.html")
    frame.write_text(PHONE_FRAME % {"page": page.name, "width": PHONE})
    dom = chromium(frame, profile, "--allow-file-access-from-files", "--window-size=800,1000", "--dump-dom")
    width, viewport, groups, ready, *beyond = re.search(r'data-phone="([^"]*)"', dom).group(1).split(" ")
    return int(width), int(viewport), groups, ready, " ".join(beyond)


def host_rows(dom: str) -> list:
    """(problem group, hidden) of each host row, in the table's order."""
    body = dom[dom.index('<table id="hosts">') :]
    return [
        (group, "hidden" in rest)
        for group, rest in re.findall(r'<tr class="(?:yes|no|unknown)" data-group="(\w+)"([^>]*)>', body)
    ]


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true", reason="chromium is not installed")
def test_a_country_sized_page_in_headless_chromium(tmp_path):
    """5,570 hosts from three job slices, merged by the playbook; the page is loaded, filtered and sorted."""
    hosts, readiness, expected = fleet(COUNTRY)
    parts = []
    for number, start in enumerate(range(0, COUNTRY, 1857), 1):
        part = {host: readiness.get(host) for host in hosts[start : start + 1857]}
        parts.append(write_slice(tmp_path / ("slice%d" % number), "2026-11-25T06:%02d:00Z" % number, part))
    result = merge(tmp_path, parts)
    assert result.returncode == 0, result.stdout[-3000:]
    page = tmp_path / "merged" / "readiness.html"
    profile = tmp_path / "chromium-profile"

    dom = chromium(page, profile, "--dump-dom")
    assert 'data-ready="yes"' in dom  # the page's script ran under its own Content-Security-Policy
    rows = host_rows(dom)
    assert len(rows) == COUNTRY and not any(hidden for _group, hidden in rows)
    groups = dict(re.findall(r'id="group-(\w+)"><td>[^<]*</td><td class="count">(\d+)</td>', dom))
    assert {group: int(count) for group, count in groups.items()} == dict(expected)
    assert re.search(r'<b id="shown">%d</b>' % COUNTRY, dom)
    weeks = [int(n) for n in re.findall(r'<g class="week d\d0" data-week="\d+" data-count="(\d+)">', dom)]
    assert (
        weeks == report.expiring(json.loads((tmp_path / "merged" / "readiness.json").read_text())["hosts"])["by_week"]
    )

    dom = chromium(page, profile, "--dump-dom", fragment="#group=wrong_password")
    rows = host_rows(dom)
    shown = [group for group, hidden in rows if not hidden]
    assert len(rows) == COUNTRY and shown == ["wrong_password"] * expected["wrong_password"]
    assert re.search(r'<b id="shown">%d</b>' % expected["wrong_password"], dom)

    named = sum(1 for found in readiness.values() if found["municipality"].startswith("São Paulo "))
    dom = chromium(page, profile, "--dump-dom", fragment="#q=sao%20paulo")  # accents folded: São Paulo
    assert re.search(r'<b id="shown">(\d+)</b>', dom).group(1) == str(named) and named > 100

    dom = chromium(page, profile, "--dump-dom", fragment="#sort=days&dir=desc")
    days = [int(d) for d in re.findall(r'<td class="days" data-sort="(-?\d+)">', dom)]
    assert len(days) == COUNTRY and days == sorted(days, reverse=True)
    assert re.search(r'data-key="days" aria-sort="descending"', dom)

    # issue 24: usable on a 412 px phone: nothing wider than the screen but inside a box that scrolls sideways
    width, viewport, groups, ready, beyond = on_a_phone(page, profile)
    assert (viewport, groups, ready) == (PHONE, "fits", "yes")
    assert width <= viewport and not beyond, (width, beyond)
    assert re.search(r'<div class="scroll">\s*<table id="hosts">', dom)

    shot = REPO / ".cache" / "results" / "report-5570.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    chromium(page, profile, "--window-size=1400,2400", "--screenshot=%s" % shot)
    assert shot.stat().st_size > 50000
