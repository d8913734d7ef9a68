# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The readiness audit and its fleet report, on the README demo's seven sandbox PEC servers.

scripts/demo.sh (the README's first command) builds the fleet, deploys with rnds_certificate and audits with
rnds_readiness; these tests then read what it left (report, local facts), run the audit again at -vvvv
(checking no secret shows, the certificate bytes the probe reads included), with the network check against
real sockets on loopback, and render the HTML report in headless Chromium.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support import pec_tree
from tests.support.chromium import CHROMIUM
from tests.support.chromium import FLAGS as CHROMIUM_FLAGS
from tests.support.collection import REPO, ansible_env, host_variables, run_playbook, vault_decrypt
from tests.support.leaks import byte_forms, leaks, password_forms
from tests.support.pki import DEMO_FLEET

EXPECTED = {  # host: (ready, verdict, PEC would show)
    "pec-demo-ok": (True, "ok", "Conexão bem-sucedida"),
    "pec-demo-expiring": (True, "expiring", "Conexão bem-sucedida"),
    "pec-demo-expired": (False, "expired", "Certificado expirado"),
    "pec-demo-wrong-password": (False, "wrong_password", "Falha no certificado"),
    # no certificate PEC could enable: its RNDS tab says "Certificado não configurado" (issue 23)
    "pec-demo-no-chaves": (False, None, "Certificado não configurado"),
    "pec-demo-no-pec": (False, None, "Falha no certificado"),
    "pec-demo-cer": (False, None, "Certificado não configurado"),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    work = tmp_path_factory.mktemp("demo") / "demo"
    env = dict(os.environ, ESUS_DEMO_DIR=str(work))
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "demo.sh")], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return {
        "work": work,
        "output": result.stdout,
        "report": json.loads((work / "report" / "readiness.json").read_text()),
    }


def test_the_audit_tells_each_host_not_ready_with_its_next_step_in_portuguese(demo):
    """The role's one summary (esus.pec.readiness_summary), as roles/rnds_readiness/README.md shows it."""
    said = demo["output"]
    assert "RESUMO DA AUDITORIA: 7 servidor(es): 2 pronto(s) para a RNDS, 5 não pronto(s), 0 não auditado(s)" in said
    assert (
        "- MUNICIPIO DE TESTE (pec-demo-expired, IBGE 3500303): inventory.expired: peça um novo certificado no "
        "e-Gestor AB, cifre-o com o ansible-vault e aponte rnds_certificate_src para ele" in said
    )  # the vault's certificate itself expired (issue 23): the deploy would refuse it, so never "rode o deploy"
    assert said.count("RESUMO DA AUDITORIA") == 1


def test_demo_ends_with_a_summary_and_the_report_path(demo):
    lines = demo["output"].strip().splitlines()
    assert lines[-2].startswith("SUMMARY: 2 of 7 PEC servers ready for the RNDS")
    assert lines[-1].startswith("Report: %s/report/readiness.html" % demo["work"])
    assert "DEPLOY: 2 of 6 deployed" in demo["output"]


@pytest.mark.parametrize("host", sorted(EXPECTED))
def test_report_record(demo, host):
    records = {r["host"]: r for r in demo["report"]["hosts"]}
    ready, verdict, pec_status = EXPECTED[host]
    record = records[host]
    assert (record["ready"], record["verdict"], record["pec_status"]) == (ready, verdict, pec_status)
    assert record["ibge"] and record["municipality"].startswith("MUNICIPIO") and record["uf"] == "SP"
    assert bool(record["reasons"]) is (host != "pec-demo-ok")


CODES = {  # host: the codes of its failing and warning checks, as readiness.json records them
    "pec-demo-ok": [],
    "pec-demo-expiring": ["certificate.expiring"],
    # chaves made by hand (0755) and the deploy refused (untouched) for these three: owner and mode are off too;
    # the deploy refused them because the inventory's file itself is bad, which the audit says first (issue 23)
    "pec-demo-expired": ["inventory.expired", "chaves.permissions", "certificate.expired"],
    "pec-demo-wrong-password": ["inventory.wrong_password", "chaves.permissions", "certificate.wrong_password"],
    "pec-demo-no-chaves": ["chaves.missing"],
    "pec-demo-no-pec": ["pec.not_installed"],
    "pec-demo-cer": ["inventory.certificate_only", "chaves.permissions", "certificate_file.certificate_only"],
}


def test_each_record_carries_its_codes(demo):
    assert {r["host"]: r["codes"] for r in demo["report"]["hosts"]} == CODES
    expired = {r["host"]: r for r in demo["report"]["hosts"]}["pec-demo-expired"]
    assert expired["values"]["certificate.expired"]["not_after"] == expired["not_after"]


def test_reasons_say_what_is_wrong(demo):
    reasons = {r["host"]: " ".join(r["reasons"]) for r in demo["report"]["hosts"]}
    assert "PEC is not installed" in reasons["pec-demo-no-pec"]
    assert "chaves does not exist" in reasons["pec-demo-no-chaves"]
    assert "Only 3500709.cer in chaves" in reasons["pec-demo-cer"]
    assert "wrong password" in reasons["pec-demo-wrong-password"]
    assert "expires on" in reasons["pec-demo-expiring"]


def test_summary_counts(demo):
    assert demo["report"]["summary"] == {
        "hosts": 7,
        "ready": 2,
        "not_ready": 5,
        "unknown": 0,
        "expiring_30": 1,
        "expiring_90": 1,
    }


GROUPS = {  # host: the report's problem group, and how the page names it in pt-BR (the default)
    "pec-demo-ok": ("ok", "Pronto, sem pendência"),  # issue 24: "Prontos" (card) is every ready group, not only this
    "pec-demo-expiring": ("expiring_30", "Certificado vence em até 30 dias"),
    # the inventory's file is bad: fixed in e-Gestor AB or the vault, not by a deploy (issue 23)
    "pec-demo-expired": ("inventory_expired", "Certificado vencido no inventário (vault)"),
    "pec-demo-wrong-password": ("inventory_wrong_password", "Senha ou vault do inventário não abre o certificado"),
    "pec-demo-no-chaves": ("chaves_missing", "Pasta chaves ausente"),
    "pec-demo-no-pec": ("pec_missing", "PEC não instalado"),
    "pec-demo-cer": ("inventory_invalid", "Certificado do inventário inutilizável"),
}


def test_csv_has_one_row_per_host_and_no_cpf(demo):
    csv_text = (demo["work"] / "report" / "readiness.csv").read_text(encoding="utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 8
    table = list(csv.DictReader(io.StringIO(csv_text), delimiter=";"))  # pt-BR: Excel in Brazil splits on ';'
    assert list(table[0])[:9] == [
        "servidor",
        "município",
        "UF",
        "IBGE",
        "grupo",  # issue 24: the inventory groups named by rnds_readiness_report_groups
        "pronto",
        "problema",
        "próximo passo",
        "mudança",
    ]
    assert {row["servidor"]: row["problema"] for row in table} == {host: GROUPS[host][1] for host in GROUPS}
    assert {row["servidor"]: row["pronto"] for row in table}["pec-demo-expired"] == "não"
    wrong = {row["servidor"]: row["próximo passo"] for row in table}["pec-demo-wrong-password"]
    assert wrong == (  # the inventory's password is what is wrong: no deploy can fix it (issue 23)
        "corrija rnds_certificate_password no vault (a senha definida ao baixar o certificado do e-Gestor AB) ou "
        "passe o --vault-id certo do município"
    )
    for name in ("readiness.csv", "readiness.json", "readiness.html"):
        text = (demo["work"] / "report" / name).read_text()
        assert "12345678901" not in text and "***." not in text  # the test CA's CPF, masked or not


DEMO_DAYS = {host: days for host, _name, _ibge, _base, days, _state in DEMO_FLEET}


def test_local_facts_are_written(demo):
    """Format 2 (docs/monitoring.md): absolute dates and codes, no days left and no sentences (issue 27: a fact
    holding days left was rewritten by every weekly audit)."""
    fact = json.loads((demo["work"] / "hosts" / "pec-demo-ok" / "facts.d" / "esus_pec_rnds.fact").read_text())
    assert set(fact) == {
        "format", "rnds_ready", "verdict", "not_after", "not_after_timestamp", "pec_status", "pec_version", "codes",
        "checks", "certificate_sha1", "renewed_on",
    }  # fmt: skip
    # the deployed file's SHA-1, to tell a renewal at the next audit (issue 23); none yet
    assert fact["certificate_sha1"] == hashlib.sha1(demo_certificate(demo, "pec-demo-ok")).hexdigest()
    assert fact["renewed_on"] is None
    assert (fact["format"], fact["rnds_ready"], fact["verdict"], fact["codes"]) == (2, True, "ok", [])
    assert fact["pec_status"] == "Conexão bem-sucedida"
    # made moments before the audit with not_after = then + 200 days (DEMO_FLEET)
    days = (fact["not_after_timestamp"] - time.time()) / 86400
    assert DEMO_DAYS["pec-demo-ok"] - 1 < days <= DEMO_DAYS["pec-demo-ok"]
    assert fact["checks"]["certificate"] == {
        "status": "pass",
        "code": "certificate.ok",
        "values": {"not_after": fact["not_after"]},
    }
    assert "days" not in json.dumps(fact) and "reasons" not in fact
    expired = json.loads((demo["work"] / "hosts" / "pec-demo-expired" / "facts.d" / "esus_pec_rnds.fact").read_text())
    assert expired["rnds_ready"] is False and "certificate.expired" in expired["codes"]


def audit(demo, *options: str) -> subprocess.CompletedProcess:
    work = demo["work"]
    env = ansible_env(ANSIBLE_LOCAL_TEMP=str(work / "local_tmp"), ANSIBLE_REMOTE_TMP=str(work / "remote_tmp"))
    return run_playbook(
        REPO / "playbooks" / "readiness.yml",
        work / "inventario",
        env,
        "--vault-password-file",
        str(work / "vault-password"),
        "-e",
        "esus_pec_hosts=all",
        "-e",
        "rnds_readiness_report_dir=%s" % (work / "report2"),
        *options,
    )


def secrets_of(demo) -> list:
    work = demo["work"]
    found = []
    for certificate in (work / "certificados").glob("*.p*"):
        plain = vault_decrypt(certificate, work / "vault-password")
        found += byte_forms(plain)
    for host_vars in (work / "inventario" / "host_vars").glob("*.yml"):  # each password one encrypt_string value
        found.append(host_variables(host_vars, work / "vault-password")["rnds_certificate_password"])
    # issue 23: the sandboxes' pec.config (databasePassword) and application.properties (datasource, gov.br)
    found += [form for secret in pec_tree.SECRETS for form in password_forms(secret)]
    return found


def test_audit_at_vvvv_shows_no_secret_and_leaves_no_temp_file(demo):
    result = audit(demo, "-vvvv", "-e", "rnds_readiness_check_network=false")
    assert result.returncode == 0, result.stdout[-3000:]
    secrets = secrets_of(demo)
    assert len(secrets) >= 14
    assert pec_tree.DATABASE_PASSWORD in (demo["work"] / "hosts" / "pec-demo-ok" / "pec.config").read_text()
    report = "".join(f.read_text() for f in (demo["work"] / "report").glob("readiness.*"))
    facts = "".join(f.read_text() for f in (demo["work"] / "hosts").rglob("*.fact"))
    found = leaks(result.stdout + result.stderr + report + facts, secrets)
    assert not found, "secret material in the -vvvv audit output, report or facts: %d item(s)" % len(found)
    leftovers = [p for d in ("local_tmp", "remote_tmp") for p in (demo["work"] / d).rglob("*") if p.is_file()]
    assert leftovers == []


def test_check_mode_writes_no_fact_and_no_report(demo):
    fact = demo["work"] / "hosts" / "pec-demo-no-chaves" / "facts.d" / "esus_pec_rnds.fact"
    fact.unlink()
    result = audit(
        demo,
        "--check",
        "-e",
        "rnds_readiness_check_network=false",
        "-e",
        "rnds_readiness_report_dir=%s" % (demo["work"] / "report-check"),
        "-e",
        "rnds_readiness_metrics_dir=%s" % (demo["work"] / "textfile"),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert not fact.exists()
    assert not (demo["work"] / "report-check").exists()
    assert not (demo["work"] / "textfile").exists()  # issue 25: --check writes no metric file, and says so
    said = re.search(r'"msg": "(Check mode: .*)"', result.stdout).group(1)
    assert said == (
        "Check mode: nothing was written on the hosts. A real run would rewrite 1 local fact(s) and 7 metrics file(s)"
        " esus_pec_rnds.prom in %s, and write the audit time (esus_pec_rnds_audit.prom) on 7 host(s)."
        % (demo["work"] / "textfile")
    )


def audit_one(demo, variables: dict, host: str = "pec-demo-ok") -> dict:
    """Audit ``host`` alone with ``variables`` given as an extra-vars file, writing no local fact; its report record."""
    extra = demo["work"] / "extra-vars.json"
    extra.write_text(json.dumps(variables))
    result = audit(demo, "--limit", host, "-e", "@%s" % extra, "-e", "rnds_readiness_persist_fact=false")
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads((demo["work"] / "report2" / "readiness.json").read_text())
    return {r["host"]: r for r in report["hosts"]}[host]


def test_network_check_against_real_sockets(demo):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
    try:
        for port, reachable in ((listener.getsockname()[1], True), (closed.getsockname()[1], False)):
            record = audit_one(
                demo,
                {
                    "rnds_readiness_endpoints": [{"host": "127.0.0.1", "port": port}],
                    "rnds_readiness_network_timeout": 2,
                    # the UF's EHR host (sp-ehr-services...) does not resolve on this machine and its
                    # /etc/hosts is shared: that check runs in molecule/pec_service, against loopback names
                    "rnds_readiness_uf": "",
                },
            )
            assert record["ready"] is reachable
            assert record["pec_status"] == ("Conexão bem-sucedida" if reachable else "Sem conexão")
    finally:
        listener.close()
        closed.close()


def test_fail_when_not_ready_makes_the_play_exit_non_zero(demo):
    result = audit(
        demo,
        "-e",
        "rnds_readiness_check_network=false",
        "-e",
        "rnds_readiness_fail_when_not_ready=true",
        "-e",
        "rnds_readiness_persist_fact=false",
    )
    assert result.returncode == 2
    assert re.search(r"host pec-demo-expired is not ready for the RNDS", result.stdout)
    assert re.search(r"pec-demo-ok\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0", result.stdout)
    assert (demo["work"] / "report2" / "readiness.html").exists()  # the report comes first


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true", reason="chromium is not installed")
def test_html_report_renders_in_headless_chromium(demo):
    """Real headless Chromium: the page renders, its script runs (sort), the counts are right; a screenshot."""
    page = demo["work"] / "report" / "readiness.html"
    flags = [*CHROMIUM_FLAGS, "--user-data-dir=%s" % (demo["work"] / "chromium-profile")]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert 'data-ready="yes"' in dom  # the page's script ran (under the page's Content-Security-Policy)
    assert '<html lang="pt-BR">' in dom and "Prontidão dos servidores PEC para a RNDS" in dom
    for key, number in (("ready", 2), ("not_ready", 5), ("unknown", 0), ("expiring_30", 1), ("expiring_90", 1)):
        assert re.search(r'id="count-%s"><b>%d</b>' % (key, number), dom), key
    groups = re.findall(r'id="group-(\w+)"><td>([^<]*)</td><td class="count">(\d+)</td>', dom)
    assert sorted(groups) == sorted((group, label, "1") for group, label in GROUPS.values())
    rows = re.findall(r'<tr class="(?:yes|no|unknown)" data-group="(\w+)"[^>]*><td>([\w-]+)</td>', dom)
    assert sorted(rows) == sorted((group, host) for host, (group, _label) in GROUPS.items())
    assert "Primeiro relatório nesta pasta" in dom  # the demo's report folder had no report before
    sorted_dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", page.as_uri() + "#sort=days"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    days = [int(d) for d in re.findall(r'<td class="days" data-sort="(-?\d+)">', sorted_dom) if int(d) != 99999]
    assert days == sorted(days) and len(days) == 3  # ok, expiring, expired: sorted by days left on request
    shot = REPO / ".cache" / "results" / "readiness-report.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [CHROMIUM, *flags, "--window-size=1400,900", "--screenshot=%s" % shot, page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10000


def demo_certificate(demo, host: str) -> bytes:
    """The plain bytes of a demo host's vaulted certificate."""
    work = demo["work"]
    variables = host_variables(work / "inventario" / "host_vars" / ("%s.yml" % host), work / "vault-password")
    return vault_decrypt(Path(variables["rnds_certificate_src"]), work / "vault-password")


def demo_ca(demo):
    """The demo certificates' CA, read from the demo's vaulted certificate of pec-demo-ok."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    work = demo["work"]
    variables = host_variables(work / "inventario" / "host_vars" / "pec-demo-ok.yml", work / "vault-password")
    data = demo_certificate(demo, "pec-demo-ok")
    return pkcs12.load_key_and_certificates(data, variables["rnds_certificate_password"].encode())[2][0]


@pytest.mark.parametrize("status, ready", [(200, True), (403, False)])
def test_token_probe_through_the_role(demo, pki, status, ready):
    """rnds_readiness_probe_token against a loopback server that requires client certificates."""
    from cryptography.hazmat.primitives import serialization

    from tests.support.tls import tls_server

    trust = demo["work"] / "token-ca.pem"
    trust.write_bytes(pki.ca_cert.public_bytes(serialization.Encoding.PEM))  # the server's certificate issuer
    with tls_server(pki, status=status, trusted_ca=demo_ca(demo)) as url:
        result = audit(
            demo,
            "--limit",
            "pec-demo-ok",
            "-e",
            "rnds_readiness_check_network=false",
            "-e",
            "rnds_readiness_probe_token=true",
            "-e",
            "rnds_readiness_token_url=%s" % url,
            "-e",
            "rnds_readiness_token_ca_file=%s" % trust,
            "-e",
            "rnds_readiness_persist_fact=false",
        )
    assert result.returncode == 0, result.stdout[-3000:]
    report = json.loads((demo["work"] / "report2" / "readiness.json").read_text())
    record = {r["host"]: r for r in report["hosts"]}["pec-demo-ok"]
    assert record["ready"] is ready, record["reasons"]
    if not ready:
        assert any("HTTP 403" in reason for reason in record["reasons"])


def test_the_installers_record_decides_end_to_end(demo):
    """Issue 23's false greens, on the demo's ready host: the PEC root one level too high (pec.config's
    ``directory``: the certificate would go to /opt/e-SUS/chaves) and a training install are not ready."""
    host = demo["work"] / "hosts" / "pec-demo-ok"
    training = demo["work"] / "training-pec.config"
    pec_tree.build(host / "webserver", training, production=False)
    for extra, code in (
        (["-e", "rnds_certificate_pec_root=%s" % host], "pec_config.other_root"),
        (["-e", "rnds_readiness_pec_config=%s" % training], "pec_config.training"),
    ):
        result = audit(
            demo,
            "--limit",
            "pec-demo-ok",
            "-e",
            "rnds_readiness_check_network=false",
            "-e",
            "rnds_readiness_persist_fact=false",
            *extra,
        )
        assert result.returncode == 0, result.stdout[-3000:]
        record = json.loads((demo["work"] / "report2" / "readiness.json").read_text())["hosts"][0]
        assert record["ready"] is False and code in record["codes"], record["codes"]
        if code == "pec_config.other_root":
            assert "rnds_certificate_pec_root" in " ".join(record["reasons"])
        assert pec_tree.DATABASE_PASSWORD not in result.stdout + json.dumps(record)


def test_switches_given_on_the_command_line_as_strings_work(demo):
    """``-e rnds_readiness_write_report=false`` gives the string "false" (no spec converts it: the playbooks do not
    validate the role's arguments); the role's conditions read it as a boolean instead of failing the run with
    "Conditionals must have a boolean result" (ansible-core 2.19)."""
    result = audit(
        demo,
        "-e",
        "rnds_readiness_write_report=false",
        "-e",
        "rnds_readiness_fail_when_not_ready=false",
        "-e",
        "rnds_readiness_check_network=false",
        "-e",
        "rnds_readiness_persist_fact=false",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Conditionals must have a boolean result" not in result.stdout
    assert "RESUMO DA AUDITORIA" in result.stdout


def test_pecs_java_trust_store_through_the_role(demo, pki):
    """rnds_readiness_check_trust (issue 23, item 3) end to end: a JKS at the place the installer puts PEC's
    Java (jre/current/lib/security/cacerts beside the webserver folder, found with no variable set), a loopback TLS
    server requiring a client certificate as the RNDS does. Its CA in the store: ready; another CA only: not ready,
    trust.untrusted, "Sem conexão", the untrusted_server group, and the store named in the reason."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from tests.support import truststores
    from tests.support.pki import Pki
    from tests.support.tls import tls_server

    store = demo["work"] / "hosts" / "pec-demo-ok" / "jre" / "current" / "lib" / "security" / "cacerts"
    store.parent.mkdir(parents=True, exist_ok=True)
    other = Pki(demo["work"] / "other-ca", "AC OUTRA TESTE")
    try:
        for ca, ready in ((pki.ca_cert, True), (other.ca_cert, False)):
            # laid out as keytool writes a JKS (the matrix's containers have no JDK; keytool's own stores are
            # judged by Java in test_jre_trust.py)
            store.write_bytes(truststores.jks([ca.public_bytes(Encoding.DER)]))
            with tls_server(pki) as url:
                endpoint = {"host": "localhost", "port": int(url.split(":")[2].split("/")[0])}
                variables = {"rnds_readiness_endpoints": [endpoint], "rnds_readiness_check_trust": True}
                record = audit_one(demo, dict(variables, rnds_readiness_network_timeout=5, rnds_readiness_uf=""))
            assert record["ready"] is ready, record["reasons"]
            if ready:
                assert not [code for code in record["codes"] if code.startswith("trust.")]
            else:
                assert "trust.untrusted" in record["codes"] and record["pec_status"] == "Sem conexão"
                said = record["reasons"][record["codes"].index("trust.untrusted")]
                assert record["problem"] == "untrusted_server" and str(store) in said and "PKIX" in said
    finally:
        shutil.rmtree(store.parents[3], ignore_errors=True)
