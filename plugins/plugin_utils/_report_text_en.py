# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report's words in English: problem groups, changes, CSV headers, the page. Private to the
collection (the readiness codes' words: _code_text_en.py)."""

from __future__ import annotations

# problem group: (label, next step)
PROBLEMS = {
    # issue 24b: one group per reason a host was not audited
    "unreachable": (
        "Host unreachable (network, SSH or WinRM)",
        "check that the host is up and its SSH (22) or WinRM (5985/5986) port is open to the controller, with "
        "Ansible's account and key; then audit it alone (--limit)",
    ),
    "become_failed": (
        "sudo refused or asking for a password",
        "give Ansible's account sudo on the host, or run with --ask-become-pass (ansible_become_password in the vault)",
    ),
    "no_python": (
        "Host without Python",
        "install python3 on the host or set ansible_python_interpreter in the inventory",
    ),
    "audit_failed": (
        "The audit failed",
        "audit that host alone with -v (--limit <host>) and read the message",
    ),
    "not_audited": (
        "Host not audited (no audit result)",
        "check that the host is up and reachable (SSH or WinRM) with Ansible's account, then audit again",
    ),
    "no_permission": (
        "No permission to read PEC or the chaves folder",
        "run the audit with become (esus_pec_become: true, sudo on the host) or, on Windows, as an administrator",
    ),
    "pec_missing": (
        "PEC not installed",
        "install e-SUS APS PEC or check the PEC folder in the inventory (rnds_certificate_pec_root)",
    ),
    "pec_install": (  # issue 23
        "PEC install not usable for the RNDS (unfinished, training, too old, or another folder)",
        "read each host's reasons: finish or redo the install in production mode, update PEC, or fix the PEC folder",
    ),
    "pec_stopped": ("PEC not running", "start the e-SUS-PEC service and find why it stopped (webserver/logs/pec.log)"),
    # issue 23 (wt-23b): the inventory's certificate; a deploy would refuse it, so the step is never "run the deploy"
    "inventory_wrong_password": (
        "The inventory's password or vault does not open the certificate",
        "fix rnds_certificate_password in the vault (the password set when the certificate was downloaded from "
        "e-Gestor AB) or pass the municipality's --vault-id",
    ),
    "inventory_expired": (
        "Certificate expired in the inventory (vault)",
        "request a new certificate in e-Gestor AB, vault it and point rnds_certificate_src at it",
    ),
    "inventory_invalid": (
        "The inventory's certificate is not usable",
        "read each host's reasons: request or export the certificate again in e-Gestor AB and vault it",
    ),
    "inventory_not_deployed": (
        "The inventory's certificate is not deployed",
        "run the deploy (esus.pec.deploy): it installs the inventory's certificate in place of the unusable one",
    ),
    "chaves_missing": (
        "No chaves folder",
        "run the deploy (esus.pec.deploy): it creates chaves and puts the certificate in it",
    ),
    "no_certificate": (
        "No certificate in chaves",
        "keep the municipality's .pfx in the inventory (ansible-vault) and run the deploy",
    ),
    "several_certificates": (
        "Several certificates",
        "keep only the municipality's: run the deploy with rnds_certificate_remove_others: true",
    ),
    "certificate_only": (
        "Certificate without its private key (.cer/.crt)",
        "PEC needs the .pfx/.p12 with the private key from e-Gestor AB; replace the file and run the deploy",
    ),
    "not_pkcs12": (
        "Not a .pfx certificate file",
        "export the certificate with its private key (.pfx/.p12) from e-Gestor AB and run the deploy",
    ),
    "wrong_password": (
        "Wrong password",
        "check the certificate's password in the inventory (vault) and run the deploy again",
    ),
    "expired": ("Certificate expired", "request a new certificate in e-Gestor AB and run the deploy"),
    "not_yet_valid": (
        "Certificate not valid yet",
        "check the controller's clock or wait for the certificate's start date",
    ),
    "corrupt": (
        "Certificate file damaged",
        "do not change the password: download or export the original .pfx again, vault it and run the deploy",
    ),
    "key_problem": (
        "Private key missing or not the certificate's",
        "export the certificate again together with its own private key and run the deploy",
    ),
    "unsupported_encryption": (
        "Encryption or password PEC does not accept",
        "export again with standard settings (AES) and an unaccented password, vault it and run the deploy",
    ),
    "other_cnpj": (
        "Another entity's CNPJ",
        "check which file goes to this host: the certificate belongs to another entity",
    ),
    "certificate_invalid": ("Other certificate problem", "read each host's reasons"),
    "token_rejected": (
        "RNDS rejected the certificate",
        "check that the municipality's certificate is enabled for the RNDS (e-Gestor AB)",
    ),
    "no_connection": (
        "No connection to the RNDS",
        "open the host's way out to ehr-auth.saude.gov.br, port 443 (firewall, proxy, DNS)",
    ),
    "untrusted_server": (
        "PEC's Java does not trust the RNDS server",
        "a proxy that inspects TLS, or a CA missing from PEC's cacerts: read each host's reason",
    ),
    "not_ready_other": ("Other problem", "read each host's reasons"),
    "expiring_30": (
        "Certificate expires within 30 days",
        "request the renewal in e-Gestor AB now and deploy the new certificate",
    ),
    "expiring": ("Certificate expiring soon", "request the renewal in e-Gestor AB and deploy the new certificate"),
    "chaves_permissions": ("chaves has another owner or mode", "run the deploy: it sets the owner and permissions"),
    "stray_files": ("An extra .cer/.crt in chaves", "PEC ignores it; it can be removed"),
    "inventory_differs": (
        "The certificate in chaves is not the inventory's",
        "run the deploy (esus.pec.deploy) to install the inventory's certificate",
    ),
    "other_certificates": (
        "Other certificates beside the right one in chaves",
        "in Gestão Municipal > Certificados, check that the inventory's certificate is the one selected; "
        "rnds_certificate_remove_others: true in the deploy removes the others",
    ),
    "select_in_pec": (
        "Certificate renewed: select it in PEC",
        "the municipal administrator selects the new file and types its password in Gestão Municipal > Certificados",
    ),
    "ok": ("Ready, nothing pending", "nothing to do"),
}

CHANGES = {
    "newly_not_ready": "newly not ready",
    "fixed": "fixed",
    "renewed": "certificate renewed",
    "new_hosts": "new in the report",
    "gone_hosts": "gone from the report",
}

# the CSV's column headers (English: the JSON's keys)
CSV_HEADERS = {
    "host": "host",
    "municipality": "municipality",
    "uf": "uf",
    "ibge": "ibge",
    "inventory_groups": "inventory_groups",
    "ready": "ready",
    "problem": "problem",
    "next_step": "next_step",
    "change": "change",
    "days_left": "days_left",
    "not_after": "not_after",
    "verdict": "verdict",
    "pec_status": "pec_status",
    "pec_version": "pec_version",
    "cadsus_ready": "cadsus_ready",  # issue 23
    "cnpj": "cnpj",
    "reasons": "reasons",
}

READY = {True: "yes", False: "no", None: "not audited"}

# the page's own words; the template reads them as t.<key>
PAGE = {
    "title": "RNDS readiness of the PEC servers",
    "generated": "Generated",
    "by": "by esus.pec",
    "merged": "Merged from %d partial reports",
    "cards": {
        "ready": "Ready",
        "not_ready": "Not ready",
        "unknown": "Not audited",
        "expiring_30": "Expire within 30 days",
        "expiring_60": "Expire within 60 days",
        "expiring_90": "Expire within 90 days",
    },
    # the group table's sections: each one's total is its card's number
    "sections": {
        "bad": "Not ready",
        "unknown": "Not audited",
        "ready": "Ready",
    },
    "timezone": "Brasília time",
    "breakdown": "By UF, by group and CADSUS",
    "breakdowns": {"uf": "UF", "inventory_groups": "Inventory group", "cadsus": "CADSUS (second verdict)"},
    "cadsus_parts": {  # issue 23: the CADSUS verdict's group table
        "cadsus.ready": "ready for CADSUS (HTTPS and gov.br login)",
        "cadsus.no_https": "PEC's HTTPS not configured",
        "cadsus.no_govbr_login": "gov.br login not configured",
        "cadsus.https_silent": "HTTPS configured, port not answering",
        "cadsus.https_expired": "PEC's HTTPS certificate expired",
        "cadsus.not_checked": "not checked (PEC not found)",
        "not_audited": "not audited",
    },
    "breakdown_counts": {
        "hosts": "Hosts",
        "ready": "Ready",
        "not_ready": "Not ready",
        "unknown": "Not audited",
        "expiring_30": "Expire within 30 days",
    },
    "no_uf": "(no UF)",
    "groups": "What to do, by problem",
    "group": "Problem",
    "hosts_count": "Hosts",
    "next_step": "Next step",
    "servers": "hosts",
    "show": "show",
    "changes": "Changes since the report of",
    "changes_title": "Changes",
    "no_previous": "First report in this folder: nothing to compare with yet.",
    "no_changes": "No changes.",
    "and_more": "and %d more (see readiness.json)",
    "timeline": "Certificates expiring in the next 13 weeks",
    "timeline_desc": "One bar per week with the number of certificates expiring in it; lines at 30, 60 and 90 days.",
    "timeline_bar": "%d certificate(s) expire from %s to %s",
    "days": "days",
    "expired_already": "Already expired: %d",
    "table": "Hosts",
    "filter": "Filter",
    "filter_placeholder": "host, municipality, UF, IBGE, reason...",
    "all_groups": "All problems",
    "all_changes": "All changes",
    "any_change": "Any change",
    "shown": "of %d hosts shown",
    "columns": {
        "host": "Host",
        "municipality": "Municipality",
        "uf": "UF",
        "ibge": "IBGE",
        "inventory_groups": "Group",
        "ready": "Ready",
        "problem": "Problem",
        "change": "Change",
        "days": "Days left",
        "expires": "Expires on",
        "pec_status": "PEC would show",
        "cadsus": "Ready for CADSUS",  # issue 23
        "reasons": "Reasons",
    },
}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
