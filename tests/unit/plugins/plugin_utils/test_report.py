# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report builders on plain data: problem groups, changes, history, merge, timeline, CSV and page.

Hosts are made by the real readiness checks (readiness.assess on a probe and a verdict report built by
_verdicts), as esus.pec.rnds_audit makes them. A host's group is read from its codes, never from its reasons'
words: a test rewords every reason and sees every host stay in its group.
``fleet()`` also feeds tests/integration/test_report.py and benchmarks/bench_report.py.
"""

from __future__ import annotations

import base64
import csv
import datetime
import hashlib
import io
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from ansible_collections.esus.pec.plugins.module_utils import _verdicts as v
from ansible_collections.esus.pec.plugins.module_utils import _verdicts_certificate as certificate_verdicts
from ansible_collections.esus.pec.plugins.module_utils import _verdicts_corrupt as corrupt_verdicts
from ansible_collections.esus.pec.plugins.module_utils import _verdicts_key as key_verdicts
from ansible_collections.esus.pec.plugins.module_utils import _verdicts_opening as password_verdicts
from ansible_collections.esus.pec.plugins.plugin_utils import readiness as r
from ansible_collections.esus.pec.plugins.plugin_utils import readiness_codes as codes
from ansible_collections.esus.pec.plugins.plugin_utils import report
from tests.support.collection import REPO

TEMPLATE = (REPO / "roles" / "rnds_readiness" / "templates" / "readiness.html.j2").read_text(encoding="utf-8")
NOW = datetime.datetime(2026, 11, 25, 6, 0, tzinfo=datetime.timezone.utc)
GENERATED = "2026-11-25T06:00:00Z"
EXPECTED = {
    "pec_root": "/opt/e-SUS/webserver",
    "chaves": "/opt/e-SUS/webserver/chaves",
    "owner": "root",
    "group": "root",
    "dir_mode": "0750",
}
CHAVES = {"exists": True, "is_dir": True, "owner": "root", "group": "root", "mode": "0750"}
ONE_PFX = [{"name": "certificado.pfx", "size": 3000, "sha1": "a"}]
REACHED = [{"host": "ehr-auth.saude.gov.br", "port": 443, "reachable": True, "error": None}]
LABEL = "host h, file /opt/e-SUS/webserver/chaves/certificado.pfx"

# state: (how the host is, the problem group it must land in)
STATES = {
    "ok": "ok",
    "ok_60_90": "ok",
    "expiring": "expiring_30",
    "expired": "expired",
    "wrong_password": "wrong_password",
    "corrupt": "corrupt",
    "other_cnpj": "other_cnpj",
    "no_key": "key_problem",
    "no_pec": "pec_missing",
    "no_chaves": "chaves_missing",
    "no_certificate": "no_certificate",
    "several": "several_certificates",
    "cer_only": "certificate_only",
    "not_listable": "no_permission",
    "no_network": "no_connection",
    "chaves_owner": "chaves_permissions",
    "unreachable": "not_audited",
}


def certificate(days: int, fingerprint: str) -> dict:
    not_after = NOW + datetime.timedelta(days=days, hours=1)
    return {
        "subject": "CN=MUNICIPIO:12345678000195",
        "issuer": "CN=AC Teste",
        "not_after": not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "days_left": days,
        "cnpj": "12345678000195",
        "cnpj_formatted": "12.345.678/0001-95",
        "fingerprint_sha256": fingerprint,
    }


def readiness_for(
    state: str, host: str = "h", days: int | None = None, fingerprint: str | None = None, **record
) -> dict | None:
    """The rnds_readiness fact of a host in ``state``, made as esus.pec.rnds_audit makes it; one certificate is
    one (days, fingerprint) pair, so a host keeps its certificate unless a test gives it another."""
    if state == "unreachable":
        return None
    if days is None:
        days = {"expiring": 20, "ok_60_90": 64}.get(state, 200)
    fingerprint = fingerprint or "FP:%s:%d" % ("expired" if state == "expired" else "valid", days)
    pec = {"installed": True, "version": "5.3.21"}
    chaves, files, network = dict(CHAVES), list(ONE_PFX), list(REACHED)
    cert = certificate(days, fingerprint)
    verdict = v.make_report("ok", certificate_verdicts.ok_message(LABEL, cert), certificate=cert)
    if state == "expiring":
        verdict = v.make_report(*certificate_verdicts.expiring(LABEL, cert, 30), certificate=cert)
    elif state == "expired":
        cert = certificate(-abs(days), fingerprint)
        verdict = v.make_report(
            *certificate_verdicts.date_and_identity_findings(LABEL, cert, True, False, None, "")[0], certificate=cert
        )
    elif state == "wrong_password":
        verdict = password_verdicts.wrong_password(LABEL, None)
    elif state == "corrupt":
        verdict = corrupt_verdicts.corrupt(LABEL, "truncated")
    elif state == "other_cnpj":
        found = certificate_verdicts.date_and_identity_findings(
            LABEL, cert, False, False, "11222333000181", "11.222.333/0001-81"
        )
        verdict = v.make_report(*found[0], certificate=cert)
    elif state == "no_key":
        verdict = key_verdicts.no_private_key(LABEL, 1, cert, None)
    elif state == "no_pec":
        pec = {"installed": False}
    elif state == "no_chaves":
        chaves = {"exists": False}
    elif state == "no_certificate":
        files = []
    elif state == "several":
        files = [*ONE_PFX, {"name": "antigo.p12", "size": 2000, "sha1": "b"}]
    elif state == "cer_only":
        files = [{"name": "certificado.cer", "size": 900, "sha1": "c"}]
    elif state == "not_listable":
        chaves = dict(CHAVES, readable=False, error="Permission denied")
        files = []
    elif state == "no_network":
        network = [dict(REACHED[0], reachable=False, error="timed out")]
    elif state == "chaves_owner":
        chaves = dict(CHAVES, owner="pecadmin")
    pkcs12 = [f for f in files if f["name"].endswith((".pfx", ".p12"))]
    validated = verdict if pec.get("installed") and chaves.get("exists") and len(pkcs12) == 1 else None
    probe = {"pec": pec, "chaves": chaves, "files": files, "network": network}
    result = r.assess(probe, validated, EXPECTED)
    result.update(record, host=host, certificate_file=pkcs12[0]["name"] if len(pkcs12) == 1 else None)
    if validated and validated.get("certificate"):
        result["certificate"] = dict(validated["certificate"])
    return result


UFS = ("AC", "AL", "AM", "AP", "BA", "CE", "DF", "ES", "GO", "MA", "MG", "MS", "MT", "PA")
UFS += ("PB", "PE", "PI", "PR", "RJ", "RN", "RO", "RR", "RS", "SC", "SE", "SP", "TO")
NAMES = ("São Paulo", "Florianópolis", "Goiânia", "Belém", "Maceió", "Cuiabá", "João Pessoa", "Vitória", "Itú")
WEIGHTS = {  # roughly what a state team meets on its first weekly audit
    "ok": 52,
    "ok_60_90": 8,
    "expiring": 4,
    "expired": 6,
    "wrong_password": 5,
    "corrupt": 1,
    "other_cnpj": 1,
    "no_key": 1,
    "no_pec": 2,
    "no_chaves": 4,
    "no_certificate": 2,
    "several": 2,
    "cer_only": 1,
    "not_listable": 1,
    "no_network": 6,
    "chaves_owner": 2,
    "unreachable": 2,
}


def fleet(size: int, seed: int = 11) -> tuple:
    """(hosts, readiness by host, expected hosts per problem group) of a simulated fleet of ``size`` PEC servers."""
    pick = random.Random(seed)
    states = pick.choices(list(WEIGHTS), weights=list(WEIGHTS.values()), k=size)
    hosts, readiness = [], {}
    for index, state in enumerate(states):
        host = "pec-%07d" % (1100015 + index)
        # a ready host's certificate decides its group (30 days or less: expiring_30); a host that is not ready
        # keeps its problem's group whatever its certificate's date, and still counts in the timeline
        ready_days = {"ok": (91, 700), "chaves_owner": (91, 700), "ok_60_90": (31, 90), "expiring": (0, 30)}
        days = pick.randint(*ready_days.get(state, (1, 400)))
        found = readiness_for(
            state,
            host,
            days=days,
            fingerprint=hashlib.sha256(host.encode()).hexdigest()[:32],
            municipality="%s %d" % (NAMES[index % len(NAMES)], index),
            ibge=str(1100015 + index),
            uf=UFS[index % len(UFS)],
        )
        hosts.append(host)
        if found is not None:
            readiness[host] = found
    return hosts, readiness, Counter(STATES[state] for state in states)


def rows_of(states: dict, audited: str = GENERATED) -> list:
    """Report records of hosts given as host: state or host: (state, days, fingerprint)."""
    out = []
    for host, spec in states.items():
        state, days, fingerprint = (spec, None, None) if isinstance(spec, str) else spec
        out.append(
            report.record(host, readiness_for(state, host, days, fingerprint, municipality=host, uf="SP"), audited)
        )
    return out


def roundtrip(document: dict, tmp_path: Path, name: str = "readiness.json") -> dict:
    """The document as the next run reads it back from disk."""
    path = tmp_path / name
    path.write_text(report.to_json(document), encoding="utf-8")
    return report.load_report(str(path))


# --- problem groups --------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", sorted(STATES))
def test_each_state_lands_in_its_problem_group(state):
    assert report.record("h", readiness_for(state))["problem"] == STATES[state]


def test_an_expiring_verdict_with_more_than_30_days_left_is_its_own_group():
    found = readiness_for("expiring", days=45)
    assert report.classify(found) == "expiring"


def test_every_problem_and_every_word_exists_in_both_languages():
    for language in report.LANGUAGES:
        assert set(report.PROBLEM_TEXT[language]) == set(report.PROBLEMS)
        assert set(report.CHANGE_TEXT[language]) == set(report.CHANGE_KEYS)
        assert set(report.CSV_HEADERS[language]) == set(report.CSV_COLUMNS)
        assert set(report.PAGE_TEXT[language]) == set(report.PAGE_TEXT["pt-BR"])
    assert {"certificate.%s" % verdict for verdict in v.VERDICTS} <= set(codes.CODES)
    groups = {code.group for code in codes.CODES.values()} - {None}
    assert groups <= set(report.PROBLEMS)
    # every group is some code's, but the two a code alone does not decide (days left, and a host that is not
    # ready without a failing check)
    assert set(report.PROBLEMS) - groups == {"expiring_30", "not_ready_other", "ok"}


@pytest.mark.parametrize("state", sorted(set(STATES) - {"unreachable"}))  # that one has no readiness
def test_a_reworded_reason_moves_no_host(state):
    """The group is read from the codes: the reasons' words can change (or be in another language) freely."""
    found = readiness_for(state)
    reworded = dict(found, reasons=["x"] * len(found["reasons"]), checks=[dict(c, reason="x") for c in found["checks"]])
    assert report.record("h", reworded)["problem"] == STATES[state]


@pytest.mark.parametrize(
    "state, expected",
    [
        ("ok", []),
        ("expiring", ["certificate.expiring"]),
        ("wrong_password", ["certificate.wrong_password"]),
        ("no_chaves", ["chaves.missing"]),  # certificate_file: unknown, no folder to look in
        ("several", ["certificate_file.several"]),
        ("not_listable", ["certificate_file.unlistable"]),
        ("no_network", ["network.unreachable"]),
        ("chaves_owner", ["chaves.permissions"]),
        ("unreachable", ["audit.not_audited"]),
    ],
)
def test_every_record_carries_the_codes_of_its_failing_and_warning_checks(state, expected):
    row = report.record("h", readiness_for(state))
    assert row["codes"] == expected and set(row["values"]) == set(expected)
    assert json.loads(report.to_json(report.build([row], GENERATED)))["hosts"][0]["codes"] == expected


# --- the document's JSON -----------------------------------------------------------------------------------


def test_summary_and_first_format_keys_stay():
    rows = rows_of({"a": "ok", "b": ("expiring", 20, "B"), "c": "unreachable", "d": "wrong_password"})
    document = report.build(rows, GENERATED)
    assert document["summary"] == {
        "hosts": 4,
        "ready": 2,
        "not_ready": 1,
        "unknown": 1,
        "expiring_30": 1,
        "expiring_90": 1,
    }
    first_format = ("host", "ready", "verdict", "days_left", "pec_status", "municipality", "ibge", "uf")
    first_format += ("pec_version", "not_after", "cnpj", "reasons")
    data = json.loads(report.to_json(document))
    # breakdown (issue 24): the fleet by UF and by the inventory groups the team names, a key added
    assert set(data) == {
        "generated",
        "language",
        "summary",
        "groups",
        "expiring",
        "changes",
        "merged_from",
        "hosts",
    } | {"breakdown"}
    assert all(set(first_format) <= set(row) for row in data["hosts"])
    unknown = {row["host"]: row for row in data["hosts"]}["c"]
    assert unknown["ready"] is None and unknown["reasons"] == [report.NOT_AUDITED_REASON]
    assert {row["host"]: row["checks"] for row in data["hosts"]}["d"]["certificate"] == "fail"
    assert data["groups"]["wrong_password"] == 1 and sum(data["groups"].values()) == 4


def test_a_simulated_fleet_groups_as_it_was_built():
    hosts, readiness, expected = fleet(600)
    document = report.build([report.record(h, readiness.get(h), GENERATED) for h in hosts], GENERATED)
    assert {k: n for k, n in document["groups"].items() if n} == dict(expected)
    assert document["summary"]["unknown"] == expected["not_audited"] == 600 - len(readiness)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="pt-BR, en"):
        report.build([], GENERATED, language="es")


# --- changes ----------------------------------------------------------------------------------------------


def test_changes_across_three_successive_reports(tmp_path):
    first = report.build(
        rows_of({"a": "ok", "b": ("expired", 10, "B1"), "c": ("ok", 200, "C1"), "d": "ok", "gone": "ok"}),
        "2026-11-11T06:00:00Z",
    )
    assert first["changes"] == {
        "since": None,
        "newly_not_ready": [],
        "fixed": [],
        "renewed": [],
        "new_hosts": [],
        "gone_hosts": [],
        "labels": {},  # issue 24: how the page names each host it lists (municipality/UF)
    }
    second = report.build(
        rows_of({"a": "wrong_password", "b": ("ok", 365, "B2"), "c": ("ok", 560, "C2"), "d": "ok", "new": "no_chaves"}),
        "2026-11-18T06:00:00Z",
        previous=roundtrip(first, tmp_path),
    )
    assert second["changes"] == {
        "since": "2026-11-11T06:00:00Z",
        "newly_not_ready": ["a"],
        "fixed": ["b"],
        "renewed": ["b", "c"],  # b was fixed by a new certificate
        "new_hosts": ["new"],
        "gone_hosts": ["gone"],
        "labels": {"a": "a/SP", "b": "b/SP", "c": "c/SP", "gone": "gone/SP", "new": "new/SP"},
    }
    third = report.build(
        rows_of({"a": "ok", "b": ("ok", 365, "B2"), "c": ("ok", 560, "C2"), "d": "unreachable", "new": "ok"}),
        GENERATED,
        previous=roundtrip(second, tmp_path),
    )
    assert third["changes"] == {
        "since": "2026-11-18T06:00:00Z",
        "newly_not_ready": ["d"],  # a host that stops answering is no longer known to be ready
        "fixed": ["a", "new"],
        "renewed": [],  # a's certificate was not readable last time; b and c kept theirs
        "new_hosts": [],
        "gone_hosts": [],
        "labels": {"a": "a/SP", "d": "d", "new": "new/SP"},  # d was not audited: no identity given in this test
    }


def test_a_renewal_is_seen_by_its_expiry_date_alone_when_no_fingerprint_is_known(tmp_path):
    old = dict(report.record("a", readiness_for("ok", "a", 20, "X")), fingerprint_sha256=None)
    new = dict(report.record("a", readiness_for("ok", "a", 385, "X")), fingerprint_sha256=None)
    before = roundtrip(report.build([old], "2026-11-18T06:00:00Z"), tmp_path)
    assert report.build([new], GENERATED, previous=before)["changes"]["renewed"] == ["a"]
    unreadable = report.record("a", readiness_for("wrong_password", "a"))  # no certificate seen: not a renewal
    assert report.build([unreadable], GENERATED, previous=before)["changes"]["renewed"] == []


def test_unchanged_ignores_only_timestamps_and_needs_the_same_language(tmp_path):
    rows = rows_of({"a": "ok", "b": "expired"})
    before = roundtrip(report.build(rows, "2026-11-18T06:00:00Z"), tmp_path)
    later = report.build(rows_of({"a": "ok", "b": "expired"}, audited=GENERATED), GENERATED, previous=before)
    assert report.unchanged(later, before)
    assert not report.unchanged(report.build(rows, GENERATED, previous=before, language="en"), before)
    assert not report.unchanged(report.build(rows_of({"a": "ok", "b": "ok"}), GENERATED, previous=before), before)
    assert not report.unchanged(later, None)


# --- history ----------------------------------------------------------------------------------------------


def write_report(dest: Path, generated: str, states: dict) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "readiness.json").write_text(report.to_json(report.build(rows_of(states), generated)), encoding="utf-8")


def test_history_keeps_the_newest_n_under_filename_safe_names(tmp_path):
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "notes.txt").write_text("not ours")
    moved = []
    for day in (4, 11, 18, 25):
        write_report(tmp_path, "2026-11-%02dT06:00:00Z" % day, {"a": "ok"})
        moved.append(report.archive(str(tmp_path), keep=2))
    assert moved[0] == str(tmp_path / "history" / "readiness-20261104T060000Z.json")
    assert not (tmp_path / "readiness.json").exists()
    kept = sorted(p.name for p in (tmp_path / "history").iterdir())
    assert kept == ["notes.txt", "readiness-20261118T060000Z.json", "readiness-20261125T060000Z.json"]
    assert json.loads((tmp_path / "history" / kept[2]).read_text())["generated"] == "2026-11-25T06:00:00Z"


def test_history_of_reports_with_one_timestamp_and_with_none(tmp_path):
    for _ in range(3):
        write_report(tmp_path, "2026-11-25T03:00:00-03:00", {"a": "ok"})  # the same instant as 06:00 UTC
        report.archive(str(tmp_path), keep=12)
    write_report(tmp_path, "", {"a": "ok"})  # no timestamp: named by the file's modification time
    last = report.archive(str(tmp_path), keep=12)
    names = [Path(p).name for p in report.history_files(str(tmp_path / "history"))]
    assert names[:3] == [
        "readiness-20261125T060000Z.json",
        "readiness-20261125T060000Z-2.json",
        "readiness-20261125T060000Z-3.json",
    ]
    assert re.fullmatch(r"readiness-\d{8}T\d{6}Z\.json", Path(last).name) and len(names) == 4


def test_history_zero_moves_nothing(tmp_path):
    write_report(tmp_path, GENERATED, {"a": "ok"})
    assert report.archive(str(tmp_path), keep=0) is None
    assert (tmp_path / "readiness.json").exists() and not (tmp_path / "history").exists()


def test_previous_report_is_the_current_one_else_the_newest_readable_in_history(tmp_path):
    assert report.previous_report(str(tmp_path)) == (None, None)
    write_report(tmp_path, "2026-11-11T06:00:00Z", {"a": "ok"})
    report.archive(str(tmp_path), keep=5)
    write_report(tmp_path, "2026-11-18T06:00:00Z", {"a": "ok"})
    report.archive(str(tmp_path), keep=5)
    (tmp_path / "history" / "readiness-20261120T060000Z.json").write_text("{broken")
    path, found = report.previous_report(str(tmp_path))  # a run killed after the move left no readiness.json
    assert path.endswith("readiness-20261118T060000Z.json") and found["generated"] == "2026-11-18T06:00:00Z"
    write_report(tmp_path, GENERATED, {"a": "ok"})
    assert report.previous_report(str(tmp_path))[0] == str(tmp_path / "readiness.json")


# --- merge ------------------------------------------------------------------------------------------------


def slice_report(tmp_path: Path, name: str, generated: str, states: dict) -> dict:
    document = report.build(rows_of(states, audited=generated), generated)
    return roundtrip(document, tmp_path, "%s.json" % name)


def test_merge_unites_hosts_and_the_latest_audit_wins(tmp_path):
    one = slice_report(tmp_path, "one", "2026-11-25T06:00:00Z", {"a": "ok", "b": "expired", "shared": "expired"})
    two = slice_report(tmp_path, "two", "2026-11-25T06:40:00Z", {"c": "ok", "shared": "ok"})
    for order in ([one, two], [two, one]):
        rows, generated = report.merge(order)
        by_host = {row["host"]: row for row in rows}
        assert sorted(by_host) == ["a", "b", "c", "shared"]
        assert by_host["shared"]["ready"] is True and by_host["shared"]["audited"] == "2026-11-25T06:40:00Z"
        assert generated == "2026-11-25T06:40:00Z"
    document = report.build(rows, generated)
    assert document["summary"]["hosts"] == 4 and document["groups"]["expired"] == 1


def test_merge_tie_goes_to_the_later_report_in_the_list(tmp_path):
    one = slice_report(tmp_path, "one", GENERATED, {"shared": "expired"})
    two = slice_report(tmp_path, "two", GENERATED, {"shared": "ok"})
    assert report.merge([one, two])[0][0]["ready"] is True
    assert report.merge([two, one])[0][0]["ready"] is False


def test_merge_reads_a_report_of_the_first_format(tmp_path):
    """readiness.json as esus.pec 0.1.0 wrote it: no problem, checks, language or per-host audit time."""
    old = {
        "generated": "2026-11-18T06:00:00Z",
        "summary": {"hosts": 2},
        "hosts": [
            {"host": "x", "ready": False, "verdict": "wrong_password", "days_left": None, "reasons": ["wrong"]},
            {"host": "y", "ready": True, "verdict": "ok", "days_left": 12, "reasons": []},
        ],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    loaded = report.load_report(str(path))
    assert [row["problem"] for row in loaded["hosts"]] == ["wrong_password", "expiring_30"]
    assert [row["codes"] for row in loaded["hosts"]] == [["certificate.wrong_password"], []]
    assert loaded["hosts"][0]["audited"] == "2026-11-18T06:00:00Z"


def test_a_report_written_before_codes_is_read_with_the_codes_its_records_stand_for(tmp_path):
    """readiness.json as esus.pec wrote it before codes: problem groups and check statuses, English reasons."""
    rows = rows_of(
        {
            "a": "not_listable",
            "b": "expired",
            "c": "no_network",
            "d": "chaves_owner",
            "e": ("expiring", 45, "E"),
            "f": "unreachable",
            "g": "several",
            "h": "ok",
        }
    )
    document = report.build(rows, "2026-11-18T06:00:00Z")
    for row in document["hosts"]:
        del row["codes"], row["values"]
    path = tmp_path / "before-codes.json"
    path.write_text(report.to_json(document))
    loaded = {row["host"]: row for row in report.load_report(str(path))["hosts"]}
    assert {host: row["codes"] for host, row in loaded.items()} == {
        "a": ["certificate_file.unlistable"],
        "b": ["certificate.expired"],
        "c": ["network.unreachable"],
        "d": ["chaves.permissions"],
        "e": ["certificate.expiring"],
        "f": ["audit.not_audited"],
        "g": ["certificate_file.several"],
        "h": [],
    }
    assert {host: row["problem"] for host, row in loaded.items()} == {r["host"]: r["problem"] for r in rows}
    # no values to write them from: the pt-BR CSV and page show each code's problem and next step in pt-BR, never
    # the audit's English words (issue 24: the page was half English); the English report keeps the audit's
    table = csv_table(report.to_csv(report.build(list(loaded.values()), GENERATED)), ";")
    said = {row[0]: dict(zip(table[0], row)) for row in table[1:]}["a"]["motivos"]
    assert said.startswith("Sem permissão para ler o PEC ou a pasta chaves: rode a auditoria com become")
    assert "Cannot" not in said
    table = csv_table(report.to_csv(report.build(list(loaded.values()), GENERATED, language="en")), ",")
    assert "Cannot list chaves" in {row[0]: dict(zip(table[0], row)) for row in table[1:]}["a"]["reasons"]


@pytest.mark.parametrize(
    "content, words",
    [
        ("not json at all", "is not JSON"),
        ('["a", "list"]', "it is not a readiness report"),
        ('{"generated": "x", "hosts": []}', "no 'summary' and 'hosts'"),
        ('{"summary": {}, "hosts": []}', "no 'generated' timestamp"),
        ('{"generated": "x", "summary": {}, "hosts": [{"ready": true}]}', "host record 1 has no host name"),
        (None, "no such file"),
    ],
)
def test_merge_rejects_a_file_that_is_not_a_readiness_report(tmp_path, content, words):
    path = tmp_path / "parte-2" / "readiness.json"
    if content is not None:
        path.parent.mkdir()
        path.write_text(content)
    with pytest.raises(report.ReportError) as caught:
        report.load_report(str(path))
    assert str(path) in str(caught.value) and words in str(caught.value)


def test_glob_patterns_name_the_parts_and_must_match(tmp_path):
    for name in ("slice-2", "slice-1", "slice-10"):
        write_report(tmp_path / name, GENERATED, {name: "ok"})
    found = report.expand_parts([str(tmp_path / "slice-*"), str(tmp_path / "other.json")])
    assert [Path(p).name for p in found] == ["slice-1", "slice-10", "slice-2", "other.json"]
    with pytest.raises(report.ReportError, match="matches no file"):
        report.expand_parts([str(tmp_path / "2026-12-*" / "readiness.json")])


def test_a_folder_stands_for_its_readiness_json(tmp_path):
    write_report(tmp_path, GENERATED, {"a": "ok"})
    assert report.load_report(str(tmp_path))["generated"] == GENERATED


# --- timeline ---------------------------------------------------------------------------------------------


def test_timeline_counts_by_week_and_by_30_60_90_days():
    days = [0, 6, 7, 13, 30, 31, 60, 61, 89, 90, 91, 400, -1, -30]
    rows = [dict(dict.fromkeys(report.FIELDS), host=str(i), days_left=d) for i, d in enumerate(days)]
    rows.append(dict(dict.fromkeys(report.FIELDS), host="no certificate"))
    found = report.expiring(rows)
    assert found == {
        "expired": 2,
        "within_30": 5,
        "within_60": 7,
        "within_90": 10,
        "by_week": [2, 2, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2],
    }
    chart = report.timeline_chart(found, NOW.date(), "pt-BR")
    assert [bar["count"] for bar in chart["bars"]] == found["by_week"]
    assert [bar["level"] for bar in chart["bars"]].count("d30") == 5  # weeks starting on days 0..28
    assert chart["bars"][0]["label"] == "25 nov" and chart["bars"][1]["label"] == "02 dez"
    tallest = max(chart["bars"], key=lambda bar: bar["height"])
    assert tallest["height"] == chart["baseline"] - chart["top"] and chart["bars"][2]["height"] == 0
    assert [mark["label"] for mark in chart["marks"]] == ["30 dias", "60 dias", "90 dias"]
    english = report.timeline_chart(found, NOW.date(), "en")
    assert english["bars"][1]["label"] == "Dec 02" and english["marks"][0]["label"] == "30 days"
    assert english["bars"][0]["title"] == "2 certificate(s) expire from Nov 25 to Dec 01"


def test_timeline_on_the_page(tmp_path):
    rows = rows_of({"a": ("expiring", 3, "A"), "b": ("expiring", 5, "B"), "c": ("ok_60_90", 64, "C")})
    page = report.to_html(report.build(rows, GENERATED), TEMPLATE)
    weeks = re.findall(r'<g class="week (d30|d60|d90)" data-week="(\d+)" data-count="(\d+)">', page)
    assert len(weeks) == 13
    assert [(int(w), int(c)) for _level, w, c in weeks if c != "0"] == [(0, 2), (9, 1)]
    assert "<svg" in page and "<img" not in page


# --- CSV --------------------------------------------------------------------------------------------------


def csv_table(text: str, delimiter: str) -> list:
    assert text.startswith("\ufeff")  # Excel reads UTF-8 (São Paulo, não) only with the byte order mark
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_csv_is_in_portuguese_by_default_with_the_change_column(tmp_path):
    before = roundtrip(report.build(rows_of({"a": "ok", "b": "expired"}), "2026-11-18T06:00:00Z"), tmp_path)
    document = report.build(rows_of({"a": "wrong_password", "b": "ok", "c": "unreachable"}), GENERATED, before)
    table = csv_table(report.to_csv(document), ";")
    assert table[0][:9] == [
        "servidor",
        "município",
        "UF",
        "IBGE",
        "grupo",  # issue 24: the inventory groups the team named (rnds_readiness_report_groups)
        "pronto",
        "problema",
        "próximo passo",
        "mudança",
    ]
    rows = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    assert rows["a"]["pronto"] == "não" and rows["a"]["problema"] == "Senha errada"
    assert rows["a"]["mudança"] == "deixou de estar pronto"
    assert rows["a"]["próximo passo"].startswith("confira a senha do certificado no inventário (vault)")
    assert rows["b"]["mudança"] == "corrigido, certificado renovado" and rows["b"]["pronto"] == "sim"
    assert rows["c"]["pronto"] == "não auditado" and rows["c"]["mudança"] == "novo no relatório"
    # the reasons in Portuguese, from the codes; the JSON keeps the audit's own (English) words
    assert rows["a"]["motivos"].startswith("Senha errada para o certificado: confira a senha do certificado")
    assert rows["c"]["motivos"].startswith("O servidor não pôde ser auditado")
    assert "wrong password" in " ".join({r["host"]: r for r in document["hosts"]}["a"]["reasons"])


def test_csv_in_english_has_the_json_keys_as_headers():
    document = report.build(rows_of({"a": "expired"}), GENERATED, language="en")
    table = csv_table(report.to_csv(document), ",")
    assert table[0] == list(report.CSV_COLUMNS)
    row = dict(zip(table[0], table[1]))
    assert (row["ready"], row["problem"], row["verdict"]) == ("no", "Certificate expired", "expired")
    assert "the certificate expired on" in row["reasons"]  # in English, the audit's own words (the core's detail)


def test_reasons_in_portuguese_carry_the_host_s_values():
    rows = rows_of({"a": "several", "b": "not_listable", "c": "no_network", "d": "no_chaves"})
    table = csv_table(report.to_csv(report.build(rows, GENERATED)), ";")
    said = {row[0]: dict(zip(table[0], row))["motivos"] for row in table[1:]}
    assert said["a"].startswith("2 certificados na pasta chaves (antigo.p12, certificado.pfx): o PEC aceita um")
    assert said["b"].startswith("Não foi possível listar a pasta chaves (Permission denied)")
    assert said["c"].startswith("Não alcança ehr-auth.saude.gov.br:443 (timed out) a partir do servidor")
    assert said["d"].startswith("/opt/e-SUS/webserver/chaves não existe: rode o deploy")


def test_csv_cells_a_spreadsheet_would_run_are_quoted_out():
    rows = rows_of({'=HYPERLINK("http://x")': "ok"})
    rows[0]["municipality"] = "@SUM(A1)"
    rows[0]["days_left"] = -3  # a number stays a number
    table = csv_table(report.to_csv(report.build(rows, GENERATED, language="en")), ",")
    row = dict(zip(table[0], table[1]))
    assert row["host"].startswith("'=") and row["municipality"] == "'@SUM(A1)" and row["days_left"] == "-3"


# --- the page ---------------------------------------------------------------------------------------------


def test_page_in_portuguese_groups_hosts_by_problem_with_the_next_step():
    rows = rows_of({"a": "wrong_password", "b": "wrong_password", "c": "expired", "d": "ok", "e": "unreachable"})
    page = report.to_html(report.build(rows, GENERATED), TEMPLATE)
    assert '<html lang="pt-BR">' in page and "Prontidão dos servidores PEC para a RNDS" in page
    groups = re.findall(r'<tr class="(\w+)" id="group-(\w+)"><td>([^<]*)</td><td class="count">(\d+)</td>', page)
    # issue 24: in three sections whose totals are the cards (not ready, not audited, ready); a host not audited
    # is no longer among the "bad" ones
    assert groups == [
        ("bad", "wrong_password", "Senha errada", "2"),
        ("bad", "expired", "Certificado vencido", "1"),
        ("unknown", "not_audited", "Servidor não auditado (sem resultado da auditoria)", "1"),
        ("ok", "ok", "Pronto, sem pendência", "1"),
    ]
    assert "confira a senha do certificado no inventário (vault) e rode o deploy de novo" in page
    assert "peça um novo certificado no e-Gestor AB" in page
    # issue 24: Brasília time, the zone said
    assert "Primeiro relatório nesta pasta" in page and "25/11/2026 03:00 (horário de Brasília, UTC-03:00)" in page
    table_rows = re.findall(r'<tr class="(yes|no|unknown)" data-group="(\w+)" data-change="([\w ]*)">', page)
    assert [group for _state, group, _change in table_rows] == [
        "wrong_password",
        "wrong_password",
        "expired",
        "not_audited",
        "ok",
    ]  # the table starts in the order of the groups above it


def test_page_in_english():
    page = report.to_html(report.build(rows_of({"a": "wrong_password"}), GENERATED, language="en"), TEMPLATE)
    assert '<html lang="en">' in page and "Wrong password" in page and "Senha errada" not in page
    assert "2026-11-25 03:00 (Brasília time, UTC-03:00)" in page and "RNDS readiness of the PEC servers" in page


def test_page_lists_the_changes(tmp_path):
    before = roundtrip(
        report.build(rows_of({"a": "ok", "b": "expired", "gone": "ok"}), "2026-11-18T06:00:00Z"), tmp_path
    )
    page = report.to_html(report.build(rows_of({"a": "expired", "b": "ok"}), GENERATED, before), TEMPLATE)
    # a: a valid certificate replaced by an expired one (newly not ready, renewed); b: the reverse
    assert "Mudanças desde o relatório de 18/11/2026 03:00 (horário de Brasília, UTC-03:00)" in page
    found = dict(re.findall(r'<details id="change-(\w+)"[^>]*>\s*<summary><b class="count">(\d+)</b>', page))
    assert found == {"newly_not_ready": "1", "fixed": "1", "renewed": "2", "new_hosts": "0", "gone_hosts": "1"}
    assert re.search(r'data-group="expired" data-change="newly_not_ready renewed"><td>a</td>', page)
    assert '<li title="gone">gone/SP</li>' in page  # issue 24: the municipality, not the host id


HOSTILE = '<script>alert("host")</script>'


@pytest.mark.parametrize("language", report.LANGUAGES)
def test_hostile_names_are_escaped_and_only_the_page_script_runs(language):
    """Reasons shown as the audit wrote them (en) or written from the codes' values (pt-BR): escaped alike."""
    rows = rows_of({HOSTILE: "wrong_password", "b": "no_chaves"})
    rows[0]["municipality"] = '"><img src=x onerror=alert(1)>'
    rows[0]["reasons"] = ["</td></tr><tr><td>forged", "{{ 7 * 7 }}"]
    rows[0]["codes"] = ["chaves.missing", "pec.unreadable"]
    rows[0]["values"] = {
        "chaves.missing": {"path": "</td></tr><tr><td>forged"},
        "pec.unreadable": {"root": "{{ 7 * 7 }}"},
    }
    rows[0]["uf"] = "' onmouseover='alert(2)"
    page = report.to_html(report.build(rows, GENERATED, language=language), TEMPLATE)
    assert "<img" not in page and 'alert("host")</script>' not in page
    assert "&lt;script&gt;alert(&#34;host&#34;)&lt;/script&gt;" in page
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;forged" in page and "{{ 7 * 7 }}" in page
    assert "onmouseover='" not in page
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1 and page.count("<script") == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy and "script-src 'sha256-%s'" % digest in policy


def test_page_is_self_contained():
    page = report.to_html(report.build(rows_of({"a": "ok", "b": "no_network"}), GENERATED), TEMPLATE)
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"<(link|img|iframe|object)\b|\bsrc=", page)
    assert not re.search(r"\son\w+=", page)  # no inline handlers: the policy allows the one script only
