#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pkcs12_validate
short_description: Check an RNDS certificate (PKCS#12 .pfx/.p12) before PEC uses it
version_added: 0.1.0
description:
  - Checks the municipality's digital certificate for the RNDS (the C(.pfx)/C(.p12) issued through e-Gestor AB)
    the way PEC (Gestão Municipal > Certificados) will use it, and gives one precise RV(verdict) with a message
    that says what is wrong, in which file and what to do next.
  - It opens the file with the O(password), proves the private key belongs to the certificate (a signature made
    with the key is verified with the certificate), checks the validity dates against O(min_days_valid), reads
    the ICP-Brasil identity (CNPJ, the responsible person's masked CPF) and compares the CNPJ with
    O(expected_cnpj).
  - A wrong password is told apart from a file whose cipher OpenSSL cannot run (RC2-40 without OpenSSL's legacy
    provider), because the PKCS#12 integrity code (MAC) is keyed by the password alone and is checked on its own
    first. When the MAC does not match but the password decrypts a part of the file, the file is V(corrupt), as
    Java's PKCS12 KeyStore (what PEC uses) decides.
  - Any file is untrusted input. The check returns a verdict in bounded time and never fails with an error on
    damaged or hostile bytes. A file that asks for more key-derivation work than the budget gets
    V(unsupported_encryption). The budget is 1,000,000 iterations per count, 6,000,000 rounds in all, and
    32 encrypted parts and keys.
  - Two faces, one name. With O(src) the file is read on the B(controller) by the action plugin, through
    Ansible's loader, so an ansible-vault encrypted binary C(.pfx) is decrypted in memory and never written
    anywhere; the target needs nothing (Windows targets too). With O(path) the module runs on the target and
    reads the file there (the target needs Python C(cryptography)).
  - Read-only. It never changes anything, on the controller or on the host.
options:
  path:
    description:
      - Path of the certificate file on the managed host.
      - Exactly one of O(path) and O(src) is required.
    type: path
  src:
    description:
      - Path of the certificate file on the controller, usually ansible-vault encrypted (C(ansible-vault encrypt
        municipio.pfx)). Relative paths are looked up like the M(ansible.builtin.copy) source (role C(files/),
        playbook dir).
      - Handled by the action plugin; the file never travels to the host.
    type: path
  fail_on_invalid:
    description:
      - Fail the task when the verdict is anything but V(ok) or V(expiring). With V(false) the task succeeds and
        the caller decides from RV(verdict) and RV(valid).
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    details: Read-only, so it runs unchanged in check mode.
  diff_mode:
    support: none
  platform:
    platforms: posix
    details: With O(src) the check runs on the controller, so any target platform works, Windows included.
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  vault:
    description: Can automatically decrypt Ansible vaulted files.
    support: full
    details: O(src) may be an ansible-vault encrypted binary file; it is decrypted in memory only.
extends_documentation_fragment:
  - esus.pec.certificate
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
requirements:
  - cryptography >= 3.3 where the check runs (the controller for O(src), the host for O(path)).
notes:
  - A right password with characters outside printable ASCII gets V(unsupported_encryption), because Java's
    PKCS12 KeyStore (PEC) refuses it. An unencrypted key (C(openssl pkcs12 -keypbe NONE)) gets
    V(no_private_key), because Java skips it.
  - The verdict predicts PEC's RNDS status, returned as RV(pec_status) (V(Conexão bem-sucedida),
    V(Certificado expirado), V(Falha no certificado)); a network problem (V(Sem conexão)) is out of its reach.
seealso:
  - name: e-SUS APS manual, Certificado e-Gestor
    description: How a municipality obtains the certificate and where PEC expects it.
    link: https://saps-ms.github.io/Manual-eSUS_APS/
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Check the vaulted certificate on the controller before it goes anywhere
  esus.pec.pkcs12_validate:
    src: "files/certificados/{{ municipio_ibge }}.pfx"
    password: "{{ vault_rnds_certificate_password }}"
    expected_cnpj: "{{ municipio_cnpj }}"
    min_days_valid: 30

- name: Audit the certificate already in the chaves folder of a Linux PEC server
  esus.pec.pkcs12_validate:
    path: /opt/e-SUS/webserver/chaves/certificado.pfx
    password: "{{ vault_rnds_certificate_password }}"
    fail_on_invalid: false
  register: rnds_cert

- name: Tell the operator how many days are left
  ansible.builtin.debug:
    msg: "{{ rnds_cert.verdict }}: {{ rnds_cert.certificate.days_left | default('n/a') }} days left"
"""

RETURN = r"""
verdict:
  description:
    - One word for the state of the certificate. V(ok) and V(expiring) are usable; every other verdict fails
      the task unless O(fail_on_invalid=false).
    - V(ok); V(expiring) (valid, O(min_days_valid) days left or fewer); V(expired); V(not_yet_valid);
      V(wrong_password) (the password opens nothing in the file); V(unsupported_encryption) (a cipher this
      OpenSSL cannot run, such as RC2-40 without the legacy provider, a password Java refuses, or more work than
      the budget); V(certificate_only) (a C(.cer)/C(.crt)/C(.p7b), DER or PEM, that PEC does not accept);
      V(no_private_key); V(key_mismatch) (including several keys); V(identity_mismatch) (CNPJ differs from
      O(expected_cnpj)); V(not_pkcs12); V(corrupt) (damaged or truncated, including a right password under a
      MAC that does not match); V(missing) (no such file).
  returned: always
  type: str
  sample: ok
valid:
  description: Whether the certificate can be used (RV(verdict) is V(ok) or V(expiring)).
  returned: always
  type: bool
  sample: true
msg:
  description: What is wrong, in which file and what to do next; a short summary when all is well.
  returned: always
  type: str
  sample: "/opt/e-SUS/webserver/chaves/certificado.pfx: the certificate expired on 2026-10-01T00:00:00Z (55 days ago)."
reasons:
  description: Every problem found, most serious first (RV(msg) is the first); empty when RV(verdict=ok).
  returned: always
  type: list
  elements: str
  sample: []
pec_status:
  description: The status PEC's RNDS tab would most likely show with this certificate.
  returned: always
  type: str
  sample: Conexão bem-sucedida
path:
  description: The file checked on the host (with O(path)).
  returned: when O(path) is used
  type: str
  sample: /opt/e-SUS/webserver/chaves/certificado.pfx
src:
  description: The controller file checked (with O(src)).
  returned: when O(src) is used
  type: str
  sample: /home/ops/inventario/files/3550308.pfx
src_vaulted:
  description: Whether O(src) was ansible-vault encrypted.
  returned: when O(src) is used
  type: bool
  sample: true
checksum:
  description:
    - SHA-1 of the certificate file's bytes (decrypted from the vault for O(src)), the same hash
      M(ansible.builtin.stat) and M(ansible.builtin.copy) report, to prove a deployed copy is this file.
  returned: when the file could be read
  type: str
  sample: 6d1f5b0a6a3c1ab2d62e4bc2a0c9f1d7e3b1a0f2
size:
  description: Size in bytes of the certificate file (decrypted).
  returned: when the file could be read
  type: int
  sample: 4231
notes:
  description:
    - What the verdict does not say but an operator should know, one message each (for example bytes after the
      PKCS#12 structure, which Java and OpenSSL ignore). Also shown as task warnings.
  returned: always
  type: list
  elements: str
  sample: []
java:
  description:
    - The Java whose rules judged the file (O(java); Java 17 when not given or not recognised, with a note).
  returned: always
  type: dict
  contains:
    rules:
      description: The rule set's name.
      type: str
      sample: "17"
    label:
      description: The rule set as a sentence names it.
      type: str
      sample: Java 17
    given:
      description: The Java given, as given (null when none).
      type: str
      sample: 17.0.10-linux_x64
chain_length:
  description: How many certificates the file holds, the certificate itself included.
  returned: always
  type: int
  sample: 3
certificate:
  description: The certificate that goes with the private key (or the first one when there is no key).
  returned: when a certificate could be read
  type: dict
  contains:
    subject:
      description: Subject, RFC 4514.
      type: str
      sample: CN=MUNICIPIO DE EXEMPLO:12345678000195,OU=RFB e-CNPJ A1,O=ICP-Brasil,C=BR
    issuer:
      description: Issuer, RFC 4514.
      type: str
      sample: CN=AC EXEMPLO RFB v5,O=ICP-Brasil,C=BR
    serial:
      description: Serial number in hexadecimal.
      type: str
      sample: 3A9F01
    not_before:
      description: Start of validity, ISO 8601 UTC.
      type: str
      sample: "2026-01-15T12:00:00Z"
    not_after:
      description: End of validity, ISO 8601 UTC.
      type: str
      sample: "2027-01-15T12:00:00Z"
    days_left:
      description: Whole days until RV(certificate.not_after); negative once expired.
      type: int
      sample: 51
    fingerprint_sha256:
      description: SHA-256 fingerprint of the certificate, colon-separated.
      type: str
      sample: "B1:E8:64:...:27:BB"
    cnpj:
      description: CNPJ from the ICP-Brasil otherName 2.16.76.1.3.3 or the CN C(NAME:CNPJ) form, characters only.
      type: str
      sample: "12345678000195"
    cnpj_formatted:
      description: RV(certificate.cnpj) punctuated.
      type: str
      sample: 12.345.678/0001-95
    responsible_cpf_masked:
      description: CPF of the responsible person (otherName 2.16.76.1.3.4), masked; the full CPF is never returned.
      type: str
      sample: "***.456.789-**"
    responsible_name:
      description: Name of the responsible person (otherName 2.16.76.1.3.2).
      type: str
      sample: MARIA DA SILVA
    key_type:
      description: V(RSA), V(EC), V(Ed25519), V(Ed448) or V(DSA).
      type: str
      sample: RSA
    key_size:
      description: Key size in bits.
      type: int
      sample: 2048
    key_curve:
      description: Curve name for EC keys.
      type: str
      sample: secp256r1
    self_signed:
      description: Whether the certificate signs itself (a test certificate, not ICP-Brasil).
      type: bool
      sample: false
pkcs12:
  description: How the PKCS#12 file is protected.
  returned: when the file is a PKCS#12 file
  type: dict
  contains:
    key_encryption:
      description: Encryption of the private key.
      type: str
      sample: PBES2 (PBKDF2-HMAC-SHA256, 2048 iterations, AES-256-CBC)
    certificate_encryption:
      description: Encryption of the certificates.
      type: str
      sample: pbeWithSHA1And40BitRC2-CBC
    mac_algorithm:
      description: Hash of the integrity MAC.
      type: str
      sample: SHA256
    mac_iterations:
      description: Iterations of the MAC key derivation.
      type: int
      sample: 2048
    legacy:
      description: Whether the file needs OpenSSL's legacy provider (RC2, RC4, single DES).
      type: bool
      sample: false
    legacy_algorithms:
      description: The legacy algorithms found.
      type: list
      elements: str
      sample: []
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.esus.pec.plugins.module_utils._argspec import pkcs12_validate_spec
from ansible_collections.esus.pec.plugins.module_utils._verdicts import not_a_file
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import HAS_CRYPTOGRAPHY, MAX_SIZE
from ansible_collections.esus.pec.plugins.module_utils.validation import (
    NotARegularFile,
    check_inputs,
    finish,
    read_limited,
    run_validation,
)


def main() -> None:
    module = AnsibleModule(
        argument_spec=pkcs12_validate_spec(),
        mutually_exclusive=[("path", "src")],
        required_one_of=[("path", "src")],
        supports_check_mode=True,
    )
    params = module.params
    if params["src"] is not None:
        module.fail_json(
            msg="src is read on the controller by the esus.pec.pkcs12_validate action plugin; "
            "call the module by its full name (esus.pec.pkcs12_validate) or use path."
        )
    if not HAS_CRYPTOGRAPHY:
        module.fail_json(
            msg=missing_required_lib(
                "cryptography",
                reason="to check the certificate on this host (or use src to check it on the controller)",
            )
        )
    problem = check_inputs(params)
    if problem:
        module.fail_json(msg=problem)
    path = params["path"]
    data, size = None, None
    try:
        data, size = read_limited(path, MAX_SIZE)
    except FileNotFoundError:
        pass  # verdict "missing"
    except (IsADirectoryError, NotARegularFile) as exc:
        what = exc.what if isinstance(exc, NotARegularFile) else "a folder"
        module.fail_json(**dict(not_a_file(path, what), path=path, changed=False))
    except OSError as exc:
        module.fail_json(
            msg="%s cannot be read (%s): check its permissions, or run the task with become." % (path, exc.strerror),
            verdict="missing",
            valid=False,
            path=path,
        )
    report = run_validation(data, size, params, label=path)
    report["path"] = path
    result, failed = finish(report, params["fail_on_invalid"])
    if failed:
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
