# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Read a certificate source on the controller once, vault-aware and in memory, and validate those bytes.

Shared by the controller faces of esus.pec.pkcs12_validate and esus.pec.certificate_deploy: the bytes that
are judged are the bytes a deploy sends, because they are read exactly once, here.
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


def read_and_validate(action, args: dict, host: str) -> tuple[dict, bytes | None]:
    """(report with src and src_vaulted, the validated bytes or None). ``action`` is the ActionBase."""
    src = args["src"]
    label = "host %s, file %s" % (host, src)
    try:
        real = action._find_needle("files", src)
    except AnsibleError:
        return dict(missing_report(label), src=src, src_vaulted=False), None
    label = "host %s, file %s" % (host, real)
    info = os.stat(real)
    if not stat.S_ISREG(info.st_mode):  # a folder or a FIFO: nothing to decrypt, nothing to wait for
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return dict(not_a_file(label, what), src=real, src_vaulted=False), None
    if info.st_size > MAX_VAULTED_SIZE:  # refused before reading or decrypting anything
        return dict(too_large_report(label, info.st_size), src=real, src_vaulted=False), None
    try:
        data, show_content = action._loader._get_file_contents(real)
    except AnsibleFileNotFound:
        return dict(missing_report(label), src=real, src_vaulted=False), None
    except AnsibleError as exc:
        msg = (
            "%s: the file cannot be decrypted with the vault secrets given to this run (%s). Pass the right "
            "--vault-id / --vault-password-file for this municipality's file." % (label, exc.message)
        )
        return dict(make_report(WRONG_PASSWORD, msg), src=real, src_vaulted=True), None
    data = bytes(data)  # drop the loader's origin tag
    report = run_validation(data, len(data), args, label)
    return dict(report, src=real, src_vaulted=not show_content), data
