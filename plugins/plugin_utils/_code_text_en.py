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
    "token.accepted": ("The RNDS issued a token for this certificate", ""),
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
