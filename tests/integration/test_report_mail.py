# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""esus.pec.readiness mails its report (rnds_readiness_mail_to) to a real SMTP server on 127.0.0.1.

The server is aiosmtpd, started by the test, which requires STARTTLS and then AUTH (a user and a password
that reach the play only from a vaulted vars file). Two sandbox PEC servers (SP ready, RJ with a wrong
password) are audited by the real playbook; the messages that arrive are parsed as MIME: subject with the
counts, pt-BR body with the summary and the next steps, readiness.html attached and equal to the report on disk,
the CSV when asked. No secret is in the messages or in the -vvvv log. --check sends nothing and says to whom it
would; a server that is not there fails the mail step with a clear message and leaves the report on disk.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl

import pytest

from tests.support.audit import sandbox_pec
from tests.support.collection import REPO, ansible_env, run_playbook, vault_encrypt
from tests.support.leaks import leaks, password_forms
from tests.support.pki import cnpj
from tests.support.tls import server_files

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
aiosmtpd_smtp = pytest.importorskip("aiosmtpd.smtp")

CNPJ = cnpj("252525250002")
PASSWORD = "Mail-report-25"
SMTP_USER = "esus-pec-mailer"
SMTP_PASSWORD = "Smtp-Secret-25-xyz"
PLAYBOOK = REPO / "playbooks" / "readiness.yml"


class Inbox:
    """aiosmtpd's handler: keeps each message with whether the session was encrypted and authenticated."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "tls": session.ssl is not None,
                "user": session.auth_data.decode() if session.authenticated else None,
                "message": email.message_from_bytes(envelope.original_content, policy=email.policy.default),
            }
        )
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    good = auth_data.login == SMTP_USER.encode() and auth_data.password == SMTP_PASSWORD.encode()
    return aiosmtpd_smtp.AuthResult(success=good, auth_data=auth_data.login if good else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def smtp(pki):
    cert_file, key_file, _ca = server_files(pki, pki.ca_cert)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert_file), str(key_file))
    inbox = Inbox()
    port = free_port()
    controller = aiosmtpd_controller.Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield {"inbox": inbox, "port": port}
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def fleet(pki, tmp_path_factory):
    """The inventory of two sandbox PEC servers, the vault password file and a vaulted vars file with the SMTP
    password; the report folder."""
    work = tmp_path_factory.mktemp("mail")
    hosts = {}
    for name, uf, password in (("pec-mail-sp", "SP", PASSWORD), ("pec-mail-rj", "RJ", "Not-" + PASSWORD)):
        root, host = sandbox_pec(pki, work / name, CNPJ, PASSWORD, name)
        hosts[name] = {
            "ansible_connection": "local",
            "ansible_python_interpreter": host["ansible_python_interpreter"],
            "esus_pec_become": False,
            "rnds_certificate_pec_root": str(root),
            "rnds_certificate_password": password,
            "rnds_certificate_owner": host["owner"],
            "rnds_certificate_group": host["group"],
            "rnds_certificate_expected_cnpj": CNPJ,
            "rnds_readiness_fact_path": host["fact_path"],
            "rnds_readiness_check_network": False,
            "rnds_readiness_uf": uf,
            "rnds_readiness_municipality": "Município %s" % uf,
        }
    inventory = work / "inventory.json"
    inventory.write_text(json.dumps({"pec_servers": {"hosts": hosts}}))
    vault_password = work / "vault-password"
    vault_password.write_text("vault-for-the-mail-test\n")
    secrets = work / "smtp-secrets.yml"
    secrets.write_text("rnds_readiness_mail_password: %s\n" % SMTP_PASSWORD)
    vault_encrypt(secrets, vault_password, ansible_env())
    return {
        "work": work,
        "inventory": inventory,
        "vault": vault_password,
        "secrets": secrets,
        "report": work / "report",
    }


def readiness(fleet, smtp_port: int, mail: dict, *options: str):
    variables = {
        "rnds_readiness_report_dir": str(fleet["report"]),
        "rnds_readiness_mail_host": "127.0.0.1",
        "rnds_readiness_mail_port": smtp_port,
        "rnds_readiness_mail_username": SMTP_USER,
        "rnds_readiness_mail_from": "esus-pec@saude.example.gov.br",
        **mail,
    }
    extra = fleet["work"] / "mail-vars.json"
    extra.write_text(json.dumps(variables))
    return run_playbook(
        PLAYBOOK,
        fleet["inventory"],
        ansible_env(),
        "--vault-password-file",
        str(fleet["vault"]),
        "-e",
        "@%s" % fleet["secrets"],
        "-e",
        "@%s" % extra,
        *options,
    )


SECRETS = password_forms(SMTP_PASSWORD) + password_forms(PASSWORD) + password_forms("Not-" + PASSWORD)
BY_UF = {"rnds_readiness_mail_to": {"SP": ["coordenacao@saude.sp.example"], "*": ["cosems@saude.example"]}}


@pytest.fixture(scope="module")
def mailed(fleet, smtp):
    """One real run mailing per UF with the CSV attached, at -vvvv; {uf: the message that arrived}."""
    before = len(smtp["inbox"].messages)
    result = readiness(fleet, smtp["port"], dict(BY_UF, rnds_readiness_mail_attach_csv=True), "-vvvv")
    assert result.returncode == 0, result.stdout[-4000:]
    arrived = smtp["inbox"].messages[before:]
    assert len(arrived) == 2, arrived
    return {"log": result.stdout + result.stderr, "by_to": {m["to"][0]: m for m in arrived}}


def test_each_message_arrives_over_starttls_and_auth(mailed):
    assert sorted(mailed["by_to"]) == ["coordenacao@saude.sp.example", "cosems@saude.example"]
    for message in mailed["by_to"].values():
        assert (message["tls"], message["user"]) == (True, SMTP_USER)
        assert message["message"]["From"] == "esus-pec@saude.example.gov.br"


def test_the_subject_counts_and_the_body_says_what_to_do_in_portuguese(mailed):
    fleet_message = mailed["by_to"]["cosems@saude.example"]["message"]
    assert fleet_message["Subject"] == (
        "Prontidão RNDS: 1 de 2 servidores PEC prontos, 1 não prontos, 0 não auditados, "
        "0 certificados vencem em até 30 dias"
    )
    text = fleet_message.get_body(("plain",)).get_content()
    assert "Relatório de prontidão dos servidores PEC para a RNDS, gerado em" in text
    assert "Primeiro relatório nesta pasta" in text
    assert "- pec-mail-rj (Município RJ, RJ): Senha errada; próximo passo: confira a senha do certificado" in text
    sp = mailed["by_to"]["coordenacao@saude.sp.example"]["message"]
    assert sp["Subject"].startswith("Prontidão RNDS (SP): 1 de 1 servidores PEC prontos, 0 não prontos")
    sp_text = sp.get_body(("plain",)).get_content()
    assert "Todos os servidores estão prontos." in sp_text and "pec-mail-rj" not in sp_text
    assert "digite SP na busca para filtrar a tabela" in sp_text


def test_the_attached_page_is_the_report_and_the_csv_comes_when_asked(mailed, fleet):
    message = mailed["by_to"]["cosems@saude.example"]["message"]
    attached = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert sorted(attached) == ["readiness.csv", "readiness.html"]
    html = attached["readiness.html"]
    html = html.decode("utf-8") if isinstance(html, bytes) else html
    assert html == (fleet["report"] / "readiness.html").read_text(encoding="utf-8")
    csv = attached["readiness.csv"]
    csv = csv.decode("utf-8") if isinstance(csv, bytes) else csv
    assert "pec-mail-rj" in csv and "pec-mail-sp" in csv


def test_no_secret_in_the_messages_or_the_log(mailed):
    assert not leaks(mailed["log"], SECRETS)
    for message in mailed["by_to"].values():
        assert not leaks(message["message"].as_string(), SECRETS)


def test_check_mode_sends_nothing_and_says_to_whom_it_would(fleet, smtp, mailed):
    before = len(smtp["inbox"].messages)
    result = readiness(fleet, smtp["port"], BY_UF, "--check")
    assert result.returncode == 0, result.stdout[-3000:]
    assert len(smtp["inbox"].messages) == before
    assert "Check mode, no mail sent: a real run would mail the report to coordenacao@saude.sp.example" in result.stdout


def test_an_unreachable_server_fails_the_mail_step_and_leaves_the_report(fleet, mailed):
    report = fleet["report"] / "readiness.html"
    report.unlink()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: connection refused
        result = readiness(fleet, port, {"rnds_readiness_mail_to": ["coordenacao@saude.example"]})
    assert result.returncode != 0
    assert report.is_file()
    assert "O relatório foi escrito em %s/readiness.html mas não foi enviado por e-mail (127.0.0.1:%d)" % (
        fleet["report"],
        port,
    ) in " ".join(result.stdout.split())
    assert not leaks(result.stdout, SECRETS)
