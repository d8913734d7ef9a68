#!/usr/bin/python
# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: certificate_deploy
short_description: Put a validated RNDS certificate into a PEC server's chaves folder (Linux or Windows), atomically
version_added: 0.1.0
description:
  - Reads the municipality's ansible-vault encrypted certificate on the B(controller) once, validates those bytes
    with the same checks as M(esus.pec.pkcs12_validate), and only then touches the host. A wrong password, an
    expired certificate, another entity's CNPJ or a plaintext source fails the task and changes nothing.
  - "On a Linux host, one remote command looks at C(chaves) and the certificate there (the read-only code of
    M(esus.pec.pec_probe), run directly by the host's Python 3, no module wrapper). When all is in place (owner,
    group, mode, same SHA-1 and size) nothing else happens. Otherwise what must change is decided once, on the
    controller, and one run of M(esus.pec.chaves_certificate) applies exactly that, after checking that C(chaves)
    and the certificate are still as they were seen (owner, group, mode, size, SHA-1; a host changed in between
    fails, untouched): C(chaves) is created or closed first, the validated bytes are sent (only when the
    certificate must be written), written under a name PEC ignores (C(.esus-pec-staging-*)), their SHA-1 is
    checked on the host, and the file is renamed over the old one (an atomic C(rename)). The old file is kept in
    C(<pec_root>/esus-pec-backups) (mode 0600, the newest O(backups) kept), where PEC does not list it."
  - A failure at any step leaves the previous certificate in place. A run killed at any step leaves the
    previous certificate or, once renamed, the new one, whole (never absent or partial); the next run finishes
    the renewal and removes a staging file left behind.
  - The bytes are sent on the connection's standard input (C(cat) into a file of mode 0600 in the connecting
    user's temporary folder on the host), so no decrypted copy is ever written to the controller's disk. On the
    host that copy (the .pfx, still under its password) lives only during the task; one left by a killed run
    is removed by the next run that sends a certificate to that host, once it is an hour old.
  - With C(--check) it reports what a real run would change and changes nothing; with C(--diff) it shows owner,
    mode (Windows, the descriptor) and SHA-1, never the file's bytes.
  - "On B(Windows) (PowerShell, or cmd over SSH) one execution of M(esus.pec.win_chaves_certificate) looks, without
    the certificate's bytes; an unchanged host stops there. Otherwise a second one applies what the controller
    decided, the same compare-and-swap first: C(chaves) is closed by one security descriptor (owner Administrators,
    protected, full control for SYSTEM and Administrators plus one ACE per O(windows_principals), nothing else),
    the certificate gets no ACE of its own (it holds what C(chaves) gives), and it is staged, verified and put in
    place by C(ReplaceFile) (the old file becomes the backup in one step). The bytes, when the certificate must
    be written, travel base64 in the module's no_log arguments, in memory on both sides: no copy in a file.
    O(owner), O(group), O(dir_mode) and O(file_mode) are not used there."
  - An action plugin; its host part is M(esus.pec.chaves_certificate) (Linux) or M(esus.pec.win_chaves_certificate).
options:
  src:
    description:
      - Controller path of the certificate (.pfx/.p12), ansible-vault encrypted.
      - Looked up like M(ansible.builtin.copy)'s O(ansible.builtin.copy#module:src) (the role's or play's C(files/)).
    type: path
    required: true
  allow_plaintext:
    description: Accept a source that is not ansible-vault encrypted.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: posix, windows
extends_documentation_fragment:
  - esus.pec.certificate
  - esus.pec.pec_root
  - esus.pec.ownership
  - esus.pec.chaves
  - esus.pec.remove_others
  - esus.pec.windows_principals
  - esus.pec.option_names
  - esus.pec.pec_config
  - ansible.builtin.action_common_attributes
author:
  - esus.pec contributors (@esus-pec)
"""

EXAMPLES = r"""
- name: Deploy the municipality's certificate (validated on the controller first)
  esus.pec.certificate_deploy:
    src: "files/certificados/3550308.pfx"   # ansible-vault encrypt 3550308.pfx
    password: "{{ vault_rnds_certificate_password }}"
    expected_cnpj: "46.395.000/0001-39"
    dest_name: 3550308.pfx
  become: true
"""

RETURN = r"""
verdict:
  description: The certificate's verdict (see M(esus.pec.pkcs12_validate)).
  returned: always
  type: str
  sample: ok
changes:
  description: What was changed (or, in check mode, would be).
  returned: always
  type: list
  elements: str
  sample: [create chaves, install the certificate]
codes:
  description: The same changes as stable codes, in the same order.
  returned: when the certificate is valid
  type: list
  elements: str
  sample: [chaves.create, certificate_file.install]
blockers:
  description: Why the host was left untouched, as stable codes (C(pec.not_installed), C(chaves.not_a_folder), ...).
  returned: when the host's state or the options forbid the deploy
  type: list
  elements: str
  sample: [pec.not_installed]
java:
  description:
    - The Java whose rules judged the certificate for this host (O(java), else the host's C(jreVersion) read from
      O(pec_config) on Linux, else Java 17).
  returned: when the certificate was validated
  type: dict
  sample: {rules: "17", label: Java 17, given: 17.0.10-linux_x64}
dest:
  description: Path of the certificate on the host.
  returned: when the certificate is valid
  type: str
  sample: /opt/e-SUS/webserver/chaves/3550308.pfx
checksum:
  description: SHA-1 of the validated bytes, and of the file on the host after the task.
  returned: when the certificate is valid
  type: str
backup:
  description: Where the replaced certificate was kept.
  returned: when a certificate was replaced and O(backups) is not 0
  type: str
others:
  description: Other .pfx/.p12 files in C(chaves) (removed with O(remove_others)).
  returned: when the certificate is valid
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.esus.pec.plugins.module_utils._argspec import certificate_deploy_spec


def main() -> None:
    module = AnsibleModule(argument_spec=certificate_deploy_spec(), supports_check_mode=True)
    module.fail_json(
        msg="esus.pec.certificate_deploy runs on the controller (its action plugin): call it by its full name."
    )


if __name__ == "__main__":
    main()
