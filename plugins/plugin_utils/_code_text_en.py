# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The readiness codes in English: code -> (sentence, next step). Private to the collection.

The sentence is ``str.format`` text over the code's values; ``{user: as %s}`` is `` as <user>``, or nothing
when the value is unknown. The next step starts lower case: it is shown after the sentence and a colon.
"""

from __future__ import annotations

_BECOME = (
    "run the audit with become (esus_pec_become: true, the default; the user needs sudo on the host) or, on "
    "Windows, as a member of the host's Administrators group"
)
_DEPLOY = "deploy with the rnds_certificate role"
_EXPORT = "export the certificate again with its private key from e-Gestor AB and deploy it"

_NEW_CERTIFICATE = "request a new certificate in e-Gestor AB, vault it and point rnds_certificate_src at it"
_NEW_EXPORT = (
    "export the certificate again with its private key from e-Gestor AB, vault it and point rnds_certificate_src at it"
)

CODE_TEXT = {
    "audit.not_audited": (
        "The host could not be audited (unreachable or the audit failed)",
        "check that the host is up and reachable (SSH or WinRM) with Ansible's account, then audit again",
    ),
    "pec.installed": ("PEC {version} installed in {root}", ""),
    "pec.version_unknown": ("PEC installed in {root}; version unknown (not found in {source})", ""),
    "pec.not_installed": (
        "PEC is not installed in {root} (no such folder)",
        "install e-SUS APS PEC, or give the folder it is installed in (pec_root)",
    ),
    "pec.unreadable": ("Cannot look at {root}: {error}", "run the audit as an administrator"),
    "chaves.ok": ("{path} is {seen}", ""),
    "chaves.descriptor_ok": (
        "{path}: owner Administrators, closed to all but SYSTEM, Administrators and the extra principals",
        "",
    ),
    "chaves.missing": ("{path} does not exist", _DEPLOY),
    "chaves.not_a_folder": ("{path} is not a folder", "move that file away, then " + _DEPLOY),
    "chaves.unreadable": ("Cannot look at {path}: {error}", _BECOME),
    "chaves.permissions": ("{path} is {seen}, expected {wanted}", "the rnds_certificate role fixes this"),
    "chaves.descriptor": ("{problems}", "the rnds_certificate role fixes this"),
    "chaves.owner_not_read": (
        "{path} exists; its owner and mode were not read",
        "audit again; -vvv shows what the probe answered",
    ),
    "chaves.descriptor_not_read": (
        "{path} exists; its security descriptor was not read ({error})",
        "audit again as a member of the host's Administrators group",
    ),
    "chaves.not_checked": ("No PEC installation to look in", "install PEC first"),
    "certificate_file.ok": ("{name} is the only certificate in chaves", ""),
    "certificate_file.stray": (
        "{name} found; also {names}, which PEC ignores (no private key)",
        "it can be removed",
    ),
    "certificate_file.missing": ("No .pfx/.p12 in chaves", "deploy the municipality's certificate"),
    "certificate_file.certificate_only": (
        "Only {names} in chaves: a certificate without its private key, which PEC does not accept",
        "deploy the .pfx/.p12",
    ),
    "certificate_file.several": (
        "{count} certificates in chaves ({names}): PEC accepts one",
        "keep the municipality's (rnds_certificate_remove_others)",
    ),
    "certificate_file.unlistable": (
        "Cannot list chaves{user: as %s} ({error}), so its certificate cannot be seen",
        _BECOME,
    ),
    "certificate_file.unreadable": (
        "Cannot read {names}{user: as %s}, so the certificate cannot be checked",
        _BECOME,
    ),
    "certificate_file.no_chaves": ("No chaves folder to look in", _DEPLOY),
    "certificate_file.not_checked": ("No PEC installation to look in", "install PEC first"),
    "certificate.ok": ("Valid certificate, {days} days left (until {not_after})", ""),
    "certificate.expiring": (
        "The certificate expires on {not_after}, in {days} days",
        "request the renewal in e-Gestor AB now and deploy the new certificate",
    ),
    "certificate.expired": (
        "The certificate expired on {not_after}",
        "request a new certificate in e-Gestor AB and deploy it",
    ),
    "certificate.not_yet_valid": (
        "The certificate is not valid yet",
        "check the controller's clock, or wait for the certificate's start date",
    ),
    "certificate.wrong_password": (
        "Wrong password for the certificate",
        "check the certificate's password in the inventory (vault) and run the deploy again",
    ),
    "certificate.unsupported_encryption": (
        "The certificate's encryption or password is one PEC (Java) does not accept",
        "export again with standard settings (AES) and an unaccented password, vault it and deploy it",
    ),
    "certificate.certificate_only": ("The file is a certificate without its private key", _EXPORT),
    "certificate.no_private_key": ("The certificate file holds no usable private key", _EXPORT),
    "certificate.key_mismatch": ("The private key does not belong to the certificate", _EXPORT),
    "certificate.identity_mismatch": (
        "The certificate belongs to another entity{cnpj: (CNPJ %s)}",
        "check which file goes to this host",
    ),
    "certificate.not_pkcs12": ("The file is not a PKCS#12 (.pfx/.p12) certificate", _EXPORT),
    "certificate.corrupt": (
        "The certificate file is damaged",
        "do not change the password: download or export the original .pfx again, vault it and deploy it",
    ),
    "certificate.missing": ("No certificate file", "deploy the municipality's certificate"),
    "certificate.invalid": ("The certificate is not usable ({verdict})", "read the certificate check's detail"),
    "certificate.not_checked": ("No single certificate to validate", "see the certificate_file check"),
    "token.accepted": (
        "Mutual TLS accepted: the RNDS issued a token for this certificate (this proves ICP-Brasil trust, not that "
        "the certificate is authorised to send records)",
        "",
    ),
    "token.refused": (
        "The RNDS refused the certificate: {detail}",
        "check that the municipality's certificate is enabled for the RNDS (e-Gestor AB)",
    ),
    "token.failed": (
        "The RNDS token request failed: {detail}",
        "check the controller's way to the RNDS, then audit again",
    ),
    "token.unknown": ("The RNDS token request said nothing clear: {detail}", "audit again later"),
    "network.ok": ("Reaches {endpoints}", ""),
    "network.unreachable": (
        "Cannot reach {failed} from the host; PEC would show 'Sem conexão'",
        "open the host's way out to the RNDS (firewall, proxy, DNS)",
    ),
    "network.not_checked": ("Not checked (rnds_readiness_check_network: false)", "turn the network check on"),
    "network.no_endpoint": ("No endpoint to check (rnds_readiness_endpoints is empty)", "give the RNDS endpoint"),
    "fact.not_written": (
        "The local fact {path} could not be written: {error}",
        "audit again with become (Windows: as an administrator)",
    ),
    # issue 23: PEC as the installer left it, its service, the UF's EHR host, the clock, CADSUS
    "pec_config.ok": ("{config}: installation finished, production, PEC {version} in {webserver}", ""),
    "pec_config.missing": (
        "The installation cannot be confirmed: {config} does not exist",
        "if PEC was installed by hand, ignore this; else give the installer's file (rnds_readiness_pec_config)",
    ),
    "pec_config.unreadable": (
        "The installation cannot be confirmed: {config} cannot be read ({error})",
        "run the audit with become, or give the installer's file (rnds_readiness_pec_config)",
    ),
    "pec_config.unfinished": (
        "The PEC installation did not finish ({config} says success: false)",
        "run the e-SUS APS PEC installer again until it finishes",
    ),
    "pec_config.training": (
        "This is a training installation of PEC ({config} says production: false): it never sends records",
        "install PEC in production mode on this server",
    ),
    "pec_config.other_root": (
        "The PEC folder in the inventory, {root}, is not the one the installer recorded in {config}, {recorded}:"
        " the certificate would go where PEC does not look; the variable to fix is {variable}",
        "set it to the folder the installer recorded, run the deploy and audit again",
    ),
    "pec_config.too_old": (
        "PEC {version} has no RNDS configuration (it exists from PEC 4.2)",
        "update e-SUS APS PEC to the current version",
    ),
    "pec_config.no_direct_sending": (
        "PEC {version} does not send records directly to the RNDS (from PEC 5.2)",
        "update e-SUS APS PEC to the current version",
    ),
    "pec_config.not_checked": (
        "The installer's file was not read ({why})",
        "nothing to do on Windows; on Linux give it (rnds_readiness_pec_config)",
    ),
    "service.active": ("The service {service} is running ({detail})", ""),
    "service.inactive": (
        "The service {service} is stopped ({detail}): PEC sends nothing",
        "start it (systemctl start, or Start-Service on Windows) and enable it at boot",
    ),
    "service.failed": (
        "The service {service} failed ({detail}): PEC sends nothing",
        "read webserver/logs/pec.log and the service's journal (journalctl -u), fix the cause and start it",
    ),
    "service.not_installed": (
        "There is no service {service} on the host",
        "run the e-SUS APS PEC installer, or name the service PEC runs as (rnds_readiness_pec_service)",
    ),
    "service.cannot_tell": (
        "Cannot tell whether the service {service} runs ({why})",
        "check by hand that PEC is up, or set rnds_readiness_pec_service to an empty value to skip this",
    ),
    "service.not_checked": (
        "The service was not checked (rnds_readiness_pec_service is empty)",
        "name the service PEC runs as (rnds_readiness_pec_service, e-SUS-PEC)",
    ),
    "network.unresolved": (
        "The host cannot resolve {failed} (DNS); PEC would show 'Sem conexão'",
        "fix the host's DNS (or proxy) for these names",
    ),
    "trust.ok": ("PEC's Java trusts {endpoints} ({path}: {format}, {anchors} certificates)", ""),
    "trust.untrusted": (
        "PEC's Java would refuse {failed}, checked against {path}: PEC would fail with 'PKIX path building failed'"
        " and show 'Sem conexão'",
        "if a proxy inspects TLS, exempt the RNDS hosts from it; else import the CA that issued the server's"
        " certificate into {path} with PEC's own keytool (jre/current/bin/keytool -importcert -keystore {path}) or"
        " update PEC, whose installer brings its Java; then audit again",
    ),
    "trust.unknown": (
        "The RNDS servers could not be checked against PEC's Java trust store {path}: {why}",
        "check that {path} is PEC's cacerts and readable (rnds_readiness_jre_cacerts names another)",
    ),
    "trust.not_checked": (
        "PEC's Java trust store was not checked: no RNDS endpoint was reached from the host",
        "make the network check pass first (rnds_readiness_check_network)",
    ),
    "trust.windows": (
        "PEC's Java trust store is not checked on Windows hosts yet",
        "after enabling the certificate, see that Gestão Municipal > Certificados says 'Conexão bem-sucedida'",
    ),
    "clock.ok": ("The host's clock is within {skew} s of the controller's", ""),
    "clock.skewed": (
        "The host's clock is {skew} s {direction} the controller's (more than {limit} s): certificates and TLS"
        " are judged on the host's clock",
        "synchronise the host's clock (NTP: timedatectl set-ntp true, or w32tm /resync on Windows)",
    ),
    "clock.not_checked": ("The host's clock was not read", "audit again"),
    "cadsus.ready": ("CADSUS prerequisites present: HTTPS ({https}) and gov.br login", ""),
    "cadsus.no_https": (
        "CADSUS: PEC's HTTPS is not configured (no certmgr/config/ssl.properties, no server.ssl.* in"
        " config/application.properties)",
        "configure HTTPS on a gov.br domain (the e-SUS APS manual, HTTPS automatizado)",
    ),
    "cadsus.no_govbr_login": (
        "CADSUS: gov.br login is not configured (no govbr client-id in config/application.properties)",
        "configure the gov.br login (the e-SUS APS manual, Login gov.br)",
    ),
    "cadsus.https_silent": (
        "CADSUS: HTTPS is configured but port {port} does not answer on the host ({error})",
        "check that PEC runs with HTTPS and on which port (rnds_readiness_https_port)",
    ),
    "cadsus.https_expired": (
        "CADSUS: the HTTPS certificate on port {port} expired on {not_after}",
        "renew PEC's HTTPS certificate",
    ),
    "cadsus.https_ok": ("CADSUS: HTTPS answers on port {port}; its certificate has {days} days left", ""),
    "cadsus.not_checked": ("CADSUS prerequisites not checked ({why})", "audit again with PEC installed"),
    # issue 23 (wt-23b): the inventory's certificate, the right one among several, the reminder after a renewal
    "inventory.not_configured": (
        "No certificate in the inventory for this host (rnds_certificate_src): the audit checks the file in chaves "
        "only",
        "set this host's rnds_certificate_src and rnds_certificate_password to compare them",
    ),
    "inventory.same": ("The certificate in chaves ({name}) is the inventory's ({src})", ""),
    "inventory.not_deployed": (
        "The inventory's certificate ({src}) is valid until {not_after}; chaves holds no single certificate to "
        "compare it with",
        "",
    ),
    "inventory.differs": (
        "{name} in chaves is not the inventory's certificate ({src}): in chaves serial {deployed_serial}, valid until "
        "{deployed_not_after}; in the inventory serial {inventory_serial}, valid until {inventory_not_after}",
        _DEPLOY + " to install the inventory's",
    ),
    "inventory.deploy_needed": (
        "The inventory's certificate ({src}, serial {inventory_serial}, valid until {inventory_not_after}) is not "
        "the one in chaves ({name}, serial {deployed_serial}, valid until {deployed_not_after}), which is not usable",
        _DEPLOY + ": it installs the inventory's certificate",
    ),
    "inventory.not_vaulted": (
        "{src} is not ansible-vault encrypted: the deploy refuses it",
        "encrypt it (ansible-vault encrypt) or, knowingly, set rnds_certificate_allow_plaintext: true",
    ),
    "inventory.missing": (
        "The inventory's certificate file ({src}) does not exist on the controller",
        "fix rnds_certificate_src: the municipality's .pfx, ansible-vault encrypted",
    ),
    "inventory.vault_locked": (
        "{src} cannot be decrypted with this run's vault secrets",
        "pass this municipality's --vault-id / --vault-password-file",
    ),
    "inventory.wrong_password": (
        "The inventory's password (rnds_certificate_password) does not open the certificate {src}",
        "fix rnds_certificate_password in the vault: it is the password set when the certificate was downloaded "
        "from e-Gestor AB",
    ),
    "inventory.expired": ("The inventory's certificate ({src}) expired on {not_after}", _NEW_CERTIFICATE),
    "inventory.not_yet_valid": (
        "The inventory's certificate ({src}) is not valid yet (from {not_before})",
        "check the controller's clock, or wait for the certificate's start date",
    ),
    "inventory.unsupported_encryption": (
        "The inventory's certificate ({src}) uses an encryption or password PEC (Java) does not accept",
        "export again with standard settings (AES) and an unaccented password, and vault both",
    ),
    "inventory.certificate_only": (
        "The inventory's certificate ({src}) has no private key (.cer/.crt)",
        _NEW_EXPORT,
    ),
    "inventory.no_private_key": ("The inventory's certificate ({src}) holds no usable private key", _NEW_EXPORT),
    "inventory.key_mismatch": ("The inventory's private key ({src}) does not belong to the certificate", _NEW_EXPORT),
    "inventory.identity_mismatch": (
        "The inventory's certificate ({src}) belongs to another entity{cnpj: (CNPJ %s)}",
        "check which file rnds_certificate_src names for this host",
    ),
    "inventory.not_pkcs12": ("The inventory's file ({src}) is not a .pfx/.p12 certificate", _NEW_EXPORT),
    "inventory.corrupt": (
        "The inventory's certificate file ({src}) is damaged",
        "do not change the password: download or export the original .pfx from e-Gestor AB again and vault it",
    ),
    "inventory.invalid": (
        "The inventory's certificate ({src}) is not usable ({verdict})",
        "read the check's detail; " + _NEW_CERTIFICATE,
    ),
    "certificate_file.others": (
        "{name} is the inventory's certificate; chaves also holds {others}, which PEC lists beside it",
        "in Gestão Municipal > Certificados, check that {name} is the one selected; to remove the others, run the "
        "deploy with rnds_certificate_remove_others: true",
    ),
    "renewal.select_in_pec": (
        "The certificate in chaves ({name}) changed on {renewed_on} (now valid until {not_after})",
        "the municipal administrator must select {name} and type its password in Gestão Municipal > Certificados: "
        "PEC keeps the file chosen before",
    ),
    # issue 25: the Prometheus files the audit leaves on the host
    "metrics.not_written": (
        "The metrics file {path} could not be written: {error}",
        "check rnds_readiness_metrics_dir (it must be a folder root can write) and audit again with become",
    ),
    # issue 24b: why a host was not audited
    "audit.unreachable": (
        "The controller could not get into the host (network, SSH or WinRM port, host key or account)",
        "check that the host is up, that its SSH (22) or WinRM (5985/5986) port is open to the controller and "
        "that Ansible's account and key get in; then audit it alone (--limit)",
    ),
    "audit.become_failed": (
        "sudo refused Ansible's account or asked for a password",
        "give the account sudo on the host (without a password, or run with --ask-become-pass / "
        "ansible_become_password in the vault); without sudo PEC and chaves cannot be read",
    ),
    "audit.no_python": (
        "The host has no Python for Ansible",
        "install python3 on the host (apt install python3) or set ansible_python_interpreter in the inventory",
    ),
    "audit.failed": (
        "The audit failed on this host",
        "audit it alone with -v (--limit <host>) and read Ansible's message",
    ),
    # end of issue 24b
}
