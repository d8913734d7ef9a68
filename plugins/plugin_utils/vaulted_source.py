# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read a certificate source on the controller once, vault-aware and in memory, and validate those bytes.

Shared by the controller faces of esus.pec.pkcs12_validate and esus.pec.certificate_deploy: the bytes that
are judged are the bytes a deploy sends, because they are read exactly once, here. The audit
(esus.pec.rnds_audit) reads the inventory's certificate through the same ``read_source``.
"""

from __future__ import annotations

import os
import stat

from ansible.errors import AnsibleError, AnsibleFileNotFound

from ansible_collections.esus.pec.plugins.module_utils._verdicts import not_a_file
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import (
    MAX_SIZE,
    WRONG_PASSWORD,
    make_report,
    missing_report,
    too_large_report,
)
from ansible_collections.esus.pec.plugins.module_utils.validation import run_validation

# An ansible-vault file is about 4.1 times its plaintext (hex of hex plus line breaks).
MAX_VAULTED_SIZE = 5 * MAX_SIZE


def read_source(action, src: str, host: str) -> tuple[dict | None, bytes | None, str, bool]:
    """(a report when the file cannot be read, its bytes, its real path, whether it was vaulted), reading the
    file once, in memory. ``action`` is the ActionBase (its loader holds the run's vault secrets). A file the
    vault secrets cannot decrypt gives a wrong_password report and no bytes."""
    label = "host %s, file %s" % (host, src)
    try:
        real = action._find_needle("files", src)
    except AnsibleError:
        return missing_report(label), None, src, False
    label = "host %s, file %s" % (host, real)
    info = os.stat(real)
    if not stat.S_ISREG(info.st_mode):  # a folder or a FIFO: nothing to decrypt, nothing to wait for
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return not_a_file(label, what), None, real, False
    if info.st_size > MAX_VAULTED_SIZE:  # refused before reading or decrypting anything
        return too_large_report(label, info.st_size), None, real, False
    try:
        data, show_content = action._loader._get_file_contents(real)
    except AnsibleFileNotFound:
        return missing_report(label), None, real, False
    except AnsibleError as exc:
        msg = (
            "%s: the file cannot be decrypted with the vault secrets given to this run (%s). Pass the right "
            "--vault-id / --vault-password-file for this municipality's file." % (label, exc.message)
        )
        return make_report(WRONG_PASSWORD, msg), None, real, True
    return None, bytes(data), real, not show_content  # bytes(): drop the loader's origin tag


def read_and_validate(action, args: dict, host: str) -> tuple[dict, bytes | None]:
    """(report with src and src_vaulted, the validated bytes or None). ``action`` is the ActionBase."""
    problem, data, real, vaulted = read_source(action, args["src"], host)
    if problem is not None:
        return dict(problem, src=real, src_vaulted=vaulted), None
    report = run_validation(data, len(data), args, "host %s, file %s" % (host, real))
    return dict(report, src=real, src_vaulted=vaulted), data
