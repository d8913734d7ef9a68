# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""plugin_utils/report_mail.py: who gets which message and what it says (the real sending: test_report_mail.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils import report_mail
from tests.unit.plugins.plugin_utils.test_report import readiness_for

HOSTS = {
    "pec-sp-ok": readiness_for("ok", "pec-sp-ok", uf="SP", municipality="São Paulo"),
    "pec-sp-expiring": readiness_for("expiring", "pec-sp-expiring", uf="SP", municipality="Santos"),
    "pec-rj-wrong": readiness_for("wrong_password", "pec-rj-wrong", uf="RJ", municipality="Niterói"),
}
ALL_HOSTS = [*HOSTS, "pec-rj-down"]  # in the play, not audited
RESULT = {
    "files": ["/r/readiness.json", "/r/readiness.csv", "/r/readiness.html"],
    "changes": {"since": "2026-11-30T06:00:00Z", "newly_not_ready": ["pec-rj-wrong"], "renewed": ["pec-sp-ok"],
                "fixed": [], "new_hosts": [], "gone_hosts": ["pec-mg-old"],
                # what the report writes beside the lists (issue 24): each host's municipality/UF
                "labels": {"pec-rj-wrong": "Niterói/RJ", "pec-sp-ok": "São Paulo/SP", "pec-mg-old": "pec-mg-old"}},
}  # fmt: skip


def messages(mail_to, **options):
    return report_mail.messages(RESULT, ALL_HOSTS, HOSTS, mail_to, "2026-12-07T06:00:00Z", **options)


def test_a_list_gets_the_whole_fleet_in_one_message():
    (message,) = messages(["a@saude.example", "b@saude.example"])
    assert (message["uf"], message["to"], message["attach"]) == (
        "*",
        ["a@saude.example", "b@saude.example"],
        ["/r/readiness.html"],
    )
    assert message["subject"] == (
        "Prontidão RNDS: 2 de 4 servidores PEC prontos, 1 não prontos, 1 não auditados, "
        "1 certificados vencem em até 30 dias"
    )
    body = message["body"]
    assert "Mudanças desde o relatório de 30/11/2026 03:00 (horário de Brasília, UTC-03:00):" in body
    assert "- Niterói/RJ (pec-rj-wrong)" in body  # municipalities in change lists, the id beside
    assert "Deixou de estar pronto (1):\n- Niterói/RJ (pec-rj-wrong)" in body
    assert "Saiu do relatório (1):\n- pec-mg-old" in body
    assert "- pec-rj-down: Servidor não auditado (sem resultado da auditoria); próximo passo:" in body
    assert "- pec-rj-wrong (Niterói, RJ): Senha errada; próximo passo:" in body


def test_a_dict_gives_each_uf_its_own_hosts_and_changes():
    by_uf = {m["uf"]: m for m in messages({"sp": "sp@saude.example", "RJ": ["rj@saude.example"]}, attach_csv=True)}
    assert sorted(by_uf) == ["RJ", "SP"]
    sp = by_uf["SP"]
    assert sp["to"] == ["sp@saude.example"] and sp["attach"] == ["/r/readiness.html", "/r/readiness.csv"]
    assert sp["subject"].startswith("Prontidão RNDS (SP): 2 de 2 servidores PEC prontos, 0 não prontos")
    assert "pec-rj" not in sp["body"] and "pec-mg-old" not in sp["body"]
    assert "Certificado renovado (1):\n- São Paulo/SP (pec-sp-ok)" in sp["body"]
    assert "Todos os servidores estão prontos." in sp["body"]
    assert by_uf["RJ"]["subject"].startswith("Prontidão RNDS (RJ): 0 de 1 servidores PEC prontos, 1 não prontos")


def test_english_on_request():
    (message,) = messages(["a@saude.example"], language="en")
    assert message["subject"].startswith("RNDS readiness: 2 of 4 PEC servers ready")
    assert "Changes since the report of 2026-11-30 03:00 (Brasília time, UTC-03:00):" in message["body"]


@pytest.mark.parametrize(
    "mail_to, said",
    [
        ("a@saude.example", "must be a list of addresses or a dict UF -> list of addresses, not str"),
        (["a@saude.example", "coordenacao"], "rnds_readiness_mail_to: not an e-mail address: 'coordenacao'"),
        ({"SP": []}, "rnds_readiness_mail_to[SP]: no address"),
        ({"SP": ["a@x\r\nBcc: all@x"]}, "rnds_readiness_mail_to[SP]: not an e-mail address"),
    ],
)
def test_bad_recipients_are_refused_with_the_variable_named(mail_to, said):
    with pytest.raises(report_mail.MailError, match=re.escape(said)):
        messages(mail_to)


def test_the_changes_docs_delivery_shows_are_what_a_message_says():
    page = (Path(__file__).resolve().parents[4] / "docs" / "delivery.md").read_text(encoding="utf-8")
    shown = re.findall(r"```text\n(.*?)```", page, re.S)
    changes = next(block for block in shown if block.startswith("Mudanças desde"))
    (message,) = messages(["a@saude.example"])
    assert changes in message["body"]
