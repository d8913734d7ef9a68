#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: rnds_audit
short_description: Tell whether a PEC server is ready to talk to the RNDS, and why not
version_added: 0.1.0
description:
  - Audits one PEC server (read-only except for the local fact and, with O(metrics_dir), the metrics files) and
    returns checks with a status (V(pass), V(fail), V(warn), V(unknown)), a stable code (C(docs/codes.md) lists
    them all) and a reason an operator understands, RV(rnds_ready), and the status PEC's RNDS tab would most
    likely show.
  - "Checks: PEC installed (and its version: from C(/etc/pec.config) on Linux; on Windows from
    C(webserver\\pec-bundle.jar)'s manifest or C(webserver\\service.xml), never the uninstall registry); PEC as the
    installer left it (C(/etc/pec.config): install finished, production, its C(webserverDirectory) is O(pec_root),
    PEC 4.2 or later, a warning before 5.2; missing or unreadable, a warning); its service O(pec_service) running
    (systemd; the Windows service manager); the host's clock within O(max_clock_skew) of the controller's;
    C(chaves) exists with the owner and mode (Linux) or
    the one security descriptor (Windows, C(chaves) and the certificate file) the esus.pec.rnds_certificate role
    sets; exactly one .pfx/.p12 in it (a .cer is flagged); the certificate's verdict (the rules of
    M(esus.pec.pkcs12_validate)); the inventory's certificate (O(src)) against the deployed one; whether the host
    reaches the RNDS authentication endpoint and, with O(uf), the UF's EHR services host (a failure says the name and
    whether DNS or TCP); optionally, a mutual-TLS token request with the certificate (an answer of 200 proves mutual
    TLS and ICP-Brasil trust, not that the credential is authorised)."
  - "CADSUS, a second verdict (RV(rnds_readiness.cadsus_ready)) that never changes RV(rnds_ready): PEC's HTTPS
    configured (C(webserver/certmgr/config/ssl.properties), or C(server.ssl.key-store) in
    C(webserver/config/application.properties) before 5.3), the gov.br login key present (key names only: never a
    value of those files), and O(https_port) answering on the host with its certificate's days left (Linux)."
  - The certificate is read from the host and validated on the B(controller), so the host needs no
    C(cryptography) (Windows hosts too). Its bytes never appear in the result.
  - "The host sees one execution that reads everything, and a second one only when the local fact must change
    (the first audit, or a result different from the last one): M(esus.pec.win_pec_probe) on Windows (any shell);
    on Linux, the code of M(esus.pec.pec_probe) run directly by the host's Python 3 in one remote command,
    with or without pipelining (no AnsiballZ: the module machinery's own imports are most of a module
    execution's cost). That Python is the configured C(ansible_python_interpreter), else the one discovered
    earlier in the play, else the first one of C(interpreter_python_fallback) the host has. If that gives no
    answer, the module M(esus.pec.pec_probe) runs instead, and C(-vvv) says why."
  - An error while looking (access denied, for example) is reported as that error, never as an absence.
  - Runs on the controller as an action plugin; there is no host-side module of this name.
options:
  check_network:
    description: Try a TCP connection from the host to O(endpoints). With V(false) the check reads V(unknown).
    type: bool
    default: true
  endpoints:
    description:
      - The RNDS authentication endpoint(s) the host must reach (C(ehr-auth-hmg.saude.gov.br) for homologation).
      - Its type and suboptions are those of O(esus.pec.pec_probe#module:endpoints); only the default differs.
    default: [{host: ehr-auth.saude.gov.br, port: 443}]
  network_timeout:
    description: Seconds to wait for each connection.
    type: float
    default: 5
  probe_token:
    description: Request a token at O(token_url) with the certificate (mutual TLS) from the controller.
    type: bool
    default: false
  token_url:
    description: The RNDS token URL.
    type: str
    default: https://ehr-auth.saude.gov.br/api/token
  token_ca_file:
    description: CA bundle to trust for O(token_url) (the system's by default).
    type: path
  token_timeout:
    description: Seconds to wait for the token endpoint.
    type: float
    default: 10
  persist_fact:
    description:
      - Write the result as a local fact on the host (skipped in check mode).
      - "The fact also keeps the SHA-1 of the deployed certificate file and the date it last changed: for 14 days
        after a change (a renewal), the audit reminds the municipal administrator to select the new file and type
        its password in Gestão Municipal > Certificados (C(renewal.select_in_pec)); PEC keeps the file chosen
        before, in its database, which the audit does not read."
      - "The fact holds absolute dates and codes (C(format) 2: C(rnds_ready), C(verdict), C(not_after),
        C(not_after_timestamp), C(pec_status), C(pec_version), C(codes), C(checks)), never days left or sentences,
        so an unchanged host's fact is the same a week later and is not rewritten; the collection's
        C(docs/monitoring.md) describes it."
    type: bool
    default: true
  fact_path:
    description:
      - Where the local fact is written. Defaults to C(/etc/ansible/facts.d/esus_pec_rnds.fact) (read back by
        setup as C(ansible_local.esus_pec_rnds)) or C(C:\ProgramData\esus.pec\facts.d\esus_pec_rnds.json) (read
        back as C(ansible_esus_pec_rnds) by ansible.windows.setup given that folder as its C(fact_path); the folder
        is made SYSTEM's and Administrators' only and refused when someone else owns it).
    type: str
  metrics_dir:
    description:
      - A folder on the host for Prometheus textfile-collector files (node_exporter's
        C(--collector.textfile.directory), windows_exporter's textfile folder). Empty (the default) writes none.
      - "C(esus_pec_rnds.prom): C(esus_pec_rnds_ready), C(esus_pec_certificate_not_after_seconds) and
        C(esus_pec_check) (one series per check, C(status) and C(code) labels), rewritten atomically only when it
        differs, in the same execution as the local fact (none on an unchanged host)."
      - "C(esus_pec_rnds_audit.prom): C(esus_pec_audit_timestamp_seconds), written atomically by the probe itself
        on every audit (no extra round trip); not in check mode."
      - Labels C(ibge), C(municipality), C(uf) (from O(record)) and C(environment) (O(metrics_environment)).
    type: str
    default: ""
  metrics_environment:
    description: The C(environment) label of the metrics (C(production), C(homologation)).
    type: str
    default: ""
  record:
    description: Extra keys copied into RV(rnds_readiness) for the fleet report (municipality, IBGE code, UF).
    type: dict
    default: {}
  src:
    description:
      - The inventory's certificate for this host (the role passes C(rnds_certificate_src)), a file on the
        B(controller), usually ansible-vault encrypted. Read once, in memory, vault-aware, and validated by the
        rules of M(esus.pec.certificate_deploy) for the host's Java; then compared by SHA-1 with the file in
        C(chaves). No extra round trip.
      - "A bad file here (expired, wrong password, undecryptable, not a .pfx) is reported as an C(inventory.*)
        code whose next step is e-Gestor AB or the vault, never the deploy (which would refuse it). A valid file
        that is not the deployed one: C(inventory.differs) (the deployed one works) or C(inventory.deploy_needed)
        (it does not); both say to run the deploy, with the serial and expiry date of each."
      - "Among several .pfx/.p12 in C(chaves), the one with this file's SHA-1 is the certificate, and the others
        are a warning (C(certificate_file.others)) instead of a failure, as the deploy only warns of them."
      - Not set, the audit checks the deployed file only, and says so (C(inventory.not_configured)).
    type: path
  allow_plaintext:
    description: Accept a O(src) that is not ansible-vault encrypted, as the deploy's option of that name does.
    type: bool
    default: false
  add_to_group:
    description:
      - Put the host in the in-memory group C(rnds_ready) or C(rnds_not_ready), as M(ansible.builtin.group_by)
        would, without a second task per host (the fleet audit's cost is mostly tasks per host).
      - As with M(ansible.builtin.group_by), Ansible then reports the task C(changed) when the host joins the
        group; use C(changed_when) on RV(fact_changed) to report the local fact instead (the role does).
    type: bool
    default: false
  pec_service:
    description:
      - The service PEC runs as (systemd on Linux, the service manager on Windows); its state is read in the same
        one probe execution. Inactive, failed or not installed makes the host not ready; a Linux host without
        systemd gives a warning (the state cannot be told). Empty does not check it.
    type: str
    default: e-SUS-PEC
  uf:
    description:
      - The state (UF, for example V(sp)) whose EHR services host PEC sends records to. Set, that host
        (C(<uf>-ehr-services.saude.gov.br), or C(ehr-services.hmg.saude.gov.br) in homologation) is checked
        beside O(endpoints), port 443.
    type: str
    default: ""
  environment:
    description: RNDS environment of the EHR services host (O(uf)).
    type: str
    choices: [production, homologation]
    default: production
  max_clock_skew:
    description: Seconds the host's clock may differ from the controller's before a warning (TLS uses the host's clock).
    type: int
    default: 300
  https_port:
    description: The port PEC's HTTPS answers on (CADSUS), tried on the host's loopback when HTTPS is configured.
    type: int
    default: 443
  check_trust:
    description:
      - With O(check_network), also make a TLS handshake from the host with each endpoint it reaches, verified
        against the trust store of PEC's own Java (O(jre_cacerts)) only, so that a server chain PEC's Java would
        refuse ("PKIX path building failed", often a proxy that inspects TLS) is found before PEC meets it.
        Codes C(trust.*); Linux hosts (Windows hosts say C(trust.windows)).
      - The handshake sends no client certificate and nothing after it.
    type: bool
    default: false
  jre_cacerts:
    description:
      - PEC's Java trust store for O(check_trust). Empty is C(jre/current/lib/security/cacerts) beside the
        O(pec_root) folder (C(/opt/e-SUS/jre/current/lib/security/cacerts)), where the installer puts PEC's JRE.
    type: str
    default: ""
attributes:
  check_mode:
    support: full
    details: Everything but the local fact and the metrics files is read-only; neither is written in check mode.
  diff_mode:
    support: none
  platform:
    platforms: posix, windows
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
extends_documentation_fragment:
  - esus.pec.certificate
  - esus.pec.pec_root
  - esus.pec.ownership
  - esus.pec.endpoints
  - esus.pec.windows_principals
  - esus.pec.option_names
  - esus.pec.pec_config
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Audit the PEC server
  esus.pec.rnds_audit:
    password: "{{ vault_rnds_certificate_password }}"
    expected_cnpj: "{{ rnds_certificate_expected_cnpj }}"
    record:
      ibge: "3550308"
      municipality: SAO PAULO
      uf: SP
  register: audit
"""

RETURN = r"""
rnds_ready:
  description: Whether no check failed (warnings and unknowns do not block). Also set as a fact.
  returned: always
  type: bool
  sample: true
fact_changed:
  description: Whether the local fact was (in check mode, would be) written.
  returned: always
  type: bool
metrics_changed:
  description: Whether the metrics' decision file (C(esus_pec_rnds.prom)) was (in check mode, would be) written.
  returned: always
  type: bool
metrics:
  description:
    - The metrics files (O(metrics_dir)); C(audit_file_written) is false in check mode, which writes neither.
    - Null when O(metrics_dir) is empty.
  returned: always
  type: dict
  sample: {dir: /var/lib/prometheus/node-exporter, decision_file: /var/lib/prometheus/node-exporter/esus_pec_rnds.prom,
           audit_file: /var/lib/prometheus/node-exporter/esus_pec_rnds_audit.prom, audit_file_written: true}
rnds_readiness:
  description: The checks and what follows from them. Also set as a fact.
  returned: always
  type: dict
  contains:
    ready:
      description: Same as RV(rnds_ready).
      type: bool
    checks:
      description:
        - One entry per check, with C(name), C(status), C(code) (a stable dotted code such as
          C(certificate.expired) or C(network.unreachable)), C(values) (what the code's sentence needs, such as
          C(days) and C(not_after)) and C(reason) (that sentence in English, with the next step; for the
          certificate, the message of M(esus.pec.pkcs12_validate)).
        - Every code, with its meaning, what PEC would show and the next step in English and Portuguese, is
          listed in the collection's C(docs/codes.md).
      type: list
      elements: dict
      sample:
        - {name: chaves, status: fail, code: chaves.missing, values: {path: /opt/e-SUS/webserver/chaves},
           reason: "/opt/e-SUS/webserver/chaves does not exist: deploy with the rnds_certificate role."}
    codes:
      description: The codes of the failed and warning checks, in the checks' order. Read these, not the reasons.
      type: list
      elements: str
      sample: [chaves.missing]
    reasons:
      description: The reasons of the failed and warning checks (English; their words may change, their codes do not).
      type: list
      elements: str
    verdict:
      description: The certificate's esus.pec.pkcs12_validate verdict, or null when there was no single certificate.
      type: str
    days_left:
      description: Days until the certificate expires (in the result only; the local fact holds C(not_after)).
      type: int
    inventory_days_left:
      description:
        - Days until the inventory's certificate (O(src)) expires, when it is not the deployed one (not deployed
          yet, or another file); the fleet report's expiry counts include it. Absent otherwise.
      type: int
      returned: when O(src) holds a readable certificate that is not the deployed file
    inventory_not_after:
      description: When the inventory's certificate expires (returned as RV(rnds_readiness.inventory_days_left) is).
      type: str
      returned: when O(src) holds a readable certificate that is not the deployed file
    pec_status:
      description: What PEC's RNDS tab would most likely show, from the first failing code (C(Certificado expirado)
        first, whatever else fails).
      type: str
      sample: Sem conexão
    java:
      description:
        - The Java whose rules judged the certificate (O(java), else the host's C(jreVersion) from O(pec_config),
          else Java 17), as M(esus.pec.pkcs12_validate) returns it; null when there was no single certificate.
      type: dict
      sample: {rules: "8", label: Java 8 before 8u301, given: 1.8.0_292}
    pec_version:
      description: PEC's version (C(/etc/pec.config) on Linux, the webserver files on Windows), null when unknown.
      type: str
    cadsus_ready:
      description: Whether CADSUS's prerequisites besides the certificate are there (HTTPS, gov.br login).
      type: bool
    cadsus_checks:
      description: The CADSUS checks (C(cadsus.*) codes), in the shape of C(checks).
      type: list
      elements: dict
    cadsus_codes:
      description: The codes of the failing and warning CADSUS checks.
      type: list
      elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.esus.pec.plugins.module_utils._argspec import rnds_audit_spec


def main() -> None:
    module = AnsibleModule(argument_spec=rnds_audit_spec(), supports_check_mode=True)
    module.fail_json(msg="esus.pec.rnds_audit runs on the controller (its action plugin): call it by its full name.")


if __name__ == "__main__":
    main()
