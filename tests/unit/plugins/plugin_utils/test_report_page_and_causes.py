# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report a coordinator reads (issue 24): why each host was not audited, who it is, counts that add up,
the fleet by UF and by inventory group, Brasília time, pt-BR words only, and where the report lives.

The results of failed and unreachable hosts below are what ansible-core 2.19 registers for them (seen in the real
runs of tests/integration/test_report_causes.py)."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from ansible_collections.esus.pec.plugins.plugin_utils import report
from ansible_collections.esus.pec.plugins.plugin_utils._report_html import show_time
from ansible_collections.esus.pec.plugins.plugin_utils._report_text import PROBLEM_TEXT
from ansible_collections.esus.pec.plugins.plugin_utils._report_unaudited import identity, named_groups, unaudited_code
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODE_TEXT
from tests.unit.plugins.plugin_utils.test_report import GENERATED, TEMPLATE, fleet

UNREACHABLE = {
    "unreachable": True,
    "changed": False,
    "msg": "Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused",
}
SUDO_PASSWORD = {"failed": True, "msg": "Missing sudo password", "_ansible_no_log": False}
NO_PYTHON = {
    "failed": True,
    "msg": "host pec-1: could not look at PEC: The module failed to execute correctly, you probably need to set the "
    "interpreter.\nSee stdout/stderr for the exact error",
}
OTHER = {"failed": True, "msg": "host pec-1: rnds_certificate_pec_root must be an absolute path."}


@pytest.mark.parametrize(
    "result, code",
    [
        (UNREACHABLE, "audit.unreachable"),
        (SUDO_PASSWORD, "audit.become_failed"),
        (
            {"unreachable": True, "msg": "Timeout (12s) waiting for privilege escalation prompt: "},
            "audit.become_failed",
        ),
        (
            {"failed": True, "module_stderr": "sudo: a password is required\n", "msg": "MODULE FAILURE"},
            "audit.become_failed",
        ),
        (NO_PYTHON, "audit.no_python"),
        (
            {
                "failed": True,
                "msg": "host pec-1: could not look at PEC: The module interpreter '/usr/bin/python3' was not found.",
            },
            "audit.no_python",
        ),
        ({"failed": True, "rc": 127, "module_stderr": "/bin/sh: 1: /usr/bin/python3: not found\n"}, "audit.no_python"),
        (OTHER, "audit.failed"),
        (None, "audit.not_audited"),
        ({"changed": False, "skipped": True}, "audit.not_audited"),
    ],
)
def test_each_cause_of_a_host_not_audited_has_its_code(result, code):
    assert unaudited_code(result) == code


@pytest.mark.parametrize("language", report.LANGUAGES)
def test_a_host_not_audited_keeps_who_it_is_and_its_own_group_and_next_step(language):
    inventory = {
        "rnds_readiness_municipality": "Lages",
        "rnds_certificate_ibge_code": "4209300",
        "rnds_readiness_uf": "SC",
    }
    rows = [
        report.record(host, None, GENERATED, cause=unaudited_code(result), inventory=identity(inventory))
        for host, result in (("a", UNREACHABLE), ("b", SUDO_PASSWORD), ("c", NO_PYTHON), ("d", OTHER))
    ]
    document = report.build(rows, GENERATED, language=language)
    by_host = {row["host"]: row for row in document["hosts"]}
    assert {h: r["problem"] for h, r in by_host.items()} == {
        "a": "unreachable",
        "b": "become_failed",
        "c": "no_python",
        "d": "audit_failed",
    }
    assert all((r["municipality"], r["ibge"], r["uf"]) == ("Lages", "4209300", "SC") for r in by_host.values())
    page = report.to_html(document, TEMPLATE)
    for row in by_host.values():
        label, step = PROBLEM_TEXT[language][row["problem"]]
        assert str(escape(label)) in page and str(escape(step)) in page
        assert str(escape(CODE_TEXT[language][row["codes"][0]][0])) in page  # the code's own sentence on the row
    # no word of Ansible's message reaches the report (a failed task's message is not ours to vouch for)
    assert "Connection refused" not in page and "absolute path" not in report.to_json(document)
    assert document["summary"]["unknown"] == 4 and document["summary"]["not_ready"] == 0


def test_inventory_identity_tolerates_missing_and_odd_values():
    assert identity({}) == {"municipality": "", "ibge": "", "uf": ""}
    assert identity({"rnds_certificate_ibge_code": 4209300})["ibge"] == "4209300"

    class Broken(dict):
        def get(self, key, default=None):
            raise ValueError("'inas' is undefined")

    assert identity(Broken()) == {"municipality": "", "ibge": "", "uf": ""}


def test_cards_and_group_sections_add_up_at_state_scale():
    """The cards said 3,833 ready and the groups 3,685 "Pronto": ready hosts with something to watch are in other
    groups. Now each section of the group table is totalled, and each total is its card."""
    hosts, readiness, _expected = fleet(1200)
    rows = [
        report.record(h, readiness.get(h), GENERATED, cause=None if h in readiness else "audit.unreachable")
        for h in hosts
    ]
    page = report.to_html(report.build(rows, GENERATED), TEMPLATE)
    cards = dict(re.findall(r'id="count-(\w+)"><b>(\d+)</b>', page))
    for section, card in (("bad", "not_ready"), ("unknown", "unknown"), ("ready", "ready")):
        body = re.search(r'<tbody id="section-%s" data-total="(\d+)">(.*?)</tbody>' % section, page, re.S)
        counts = [int(n) for n in re.findall(r'<td class="count">(\d+)</td>', body.group(2))]
        assert int(body.group(1)) == int(cards[card]) == sum(counts) > 0, section
    assert 'id="group-unreachable"' in page and "Servidor inacessível" in page


def test_breakdown_by_uf_and_by_named_inventory_groups_adds_up():
    hosts, readiness, _expected = fleet(300)
    inventory_groups = {
        "all": hosts,
        "pec_servers": hosts,
        "regional_norte": hosts[:100],
        "regional_sul": hosts[100:250],
        "ungrouped": [],
    }
    per_host = named_groups(inventory_groups, ["regional_*"])
    assert set(per_host) == set(hosts[:250])
    rows = [report.record(h, readiness.get(h), GENERATED, inventory_groups=per_host.get(h)) for h in hosts]
    document = report.build(rows, GENERATED)
    by_uf = document["breakdown"]["uf"]
    for count in ("hosts", "ready", "not_ready", "unknown", "expiring_30"):
        assert sum(part[count] for part in by_uf) == document["summary"][count], count
    groups = {part["name"]: part for part in document["breakdown"]["inventory_groups"]}
    assert set(groups) == {"regional_norte", "regional_sul"}
    assert (groups["regional_norte"]["hosts"], groups["regional_sul"]["hosts"]) == (100, 150)
    page = report.to_html(document, TEMPLATE)
    assert 'id="breakdown-uf"' in page and 'id="breakdown-inventory_groups"' in page
    assert "<td>regional_norte</td>" in page and "Por UF, por grupo e CADSUS" in page
    # no group named: no group table, and no empty group column
    plain = report.to_html(
        report.build([report.record(h, readiness.get(h), GENERATED) for h in hosts], GENERATED), TEMPLATE
    )
    assert 'id="breakdown-uf"' in plain and 'id="breakdown-inventory_groups"' not in plain


def test_times_are_brasilia_time_with_the_zone_said():
    assert show_time("2026-11-25T02:30:00Z", "pt-BR") == "24/11/2026 23:30 (horário de Brasília, UTC-03:00)"
    assert show_time("2026-11-25T02:30:00Z", "en") == "2026-11-24 23:30 (Brasília time, UTC-03:00)"
    assert show_time("2026-11-25T02:30:00Z", "pt-BR", with_time=False) == "24/11/2026"


def test_cards_say_em_ate():
    page = report.to_html(report.build([], GENERATED), TEMPLATE)
    for days in (30, 60, 90):
        assert "Vencem em até %d dias" % days in page


def test_the_pt_br_page_has_no_english_reason_at_state_scale():
    hosts, readiness, _expected = fleet(600)
    rows = [report.record(h, readiness.get(h), GENERATED) for h in hosts]
    document = report.build(rows, GENERATED)
    english = {reason for row in document["hosts"] for reason in row["reasons"]}
    page = report.to_html(document, TEMPLATE)
    shown = set(re.findall(r'<td class="reasons">([^<]*)</td>', page))
    assert english and not any(sentence.split(":")[0] in cell for sentence in english for cell in shown if sentence)


def test_the_report_folder_is_beside_the_inventory_whatever_the_working_folder(tmp_path):
    inventory = tmp_path / "estado" / "inventario"
    (inventory / "group_vars").mkdir(parents=True)
    hosts_file = tmp_path / "estado" / "hosts.yml"
    hosts_file.write_text("all: {}\n")
    expected = str(tmp_path / "estado" / "rnds-readiness-report")
    assert report.default_dest([str(inventory)], "/home/x") == expected  # never inside the inventory folder
    assert report.default_dest([str(hosts_file)], "/home/x") == expected
    assert report.default_dest(["host1,host2,"], "/home/x") == "/home/x/rnds-readiness-report"
    assert report.default_dest([], "/home/x") == "/home/x/rnds-readiness-report"


def test_the_cadsus_verdict_has_its_own_group_table_in_words():
    """Issue 23: CADSUS, the second verdict, is grouped on its own (one part per state, in words on the page); every
    cadsus.* code the audit can give has its words in both languages, so none shows up raw."""
    from ansible_collections.esus.pec.plugins.plugin_utils._report_breakdown import breakdown
    from ansible_collections.esus.pec.plugins.plugin_utils._report_text import PAGE_TEXT
    from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODES

    rows = [
        {"host": "a", "ready": True, "cadsus_ready": True, "cadsus_codes": []},
        {"host": "b", "ready": True, "cadsus_ready": False, "cadsus_codes": ["cadsus.no_https"]},
        {
            "host": "c",
            "ready": False,
            "cadsus_ready": False,
            "cadsus_codes": ["cadsus.no_https", "cadsus.no_govbr_login"],
        },
        {"host": "d", "ready": None},
    ]
    parts = {part["name"]: part for part in breakdown(rows)["cadsus"]}
    assert {name: part["hosts"] for name, part in parts.items()} == {
        "cadsus.ready": 1,
        "cadsus.no_https": 2,
        "not_audited": 1,
    }
    assert parts["cadsus.no_https"]["ready"] == 1 and parts["cadsus.no_https"]["not_ready"] == 1
    for language in ("pt-BR", "en"):
        named = PAGE_TEXT[language]["cadsus_parts"]
        assert {c for c in CODES if c.startswith("cadsus.") and c != "cadsus.https_ok"} <= set(named), language
    hosts, readiness, _groups = fleet(5)
    page = report.to_html(
        report.build([report.record(h, readiness.get(h), GENERATED) for h in hosts], GENERATED), TEMPLATE
    )
    assert 'id="breakdown-cadsus"' in page and "CADSUS (segundo veredito)" in page
