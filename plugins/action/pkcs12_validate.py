# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller face of esus.pec.pkcs12_validate (documentation lives with the module).

``src``: the file is read on the controller through Ansible's loader, so an ansible-vault
encrypted binary .pfx is decrypted in memory only (never to a temp file), and validated here:
the host needs nothing and no secret travels. ``path``: the module runs on the host.
"""

from __future__ import annotations

import os
import stat

from ansible.errors import AnsibleError, AnsibleFileNotFound
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.action import ActionBase

from ansible_collections.esus.pec.plugins.module_utils._verdicts import not_a_file
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import (
    HAS_CRYPTOGRAPHY,
    MAX_SIZE,
    WRONG_PASSWORD,
    make_report,
    missing_report,
    too_large_report,
)
from ansible_collections.esus.pec.plugins.module_utils.validation import (
    ARGUMENT_SPEC,
    check_inputs,
    finish,
    run_validation,
)

# An ansible-vault file is about 4.1 times its plaintext (hex of hex plus line breaks).
_MAX_VAULTED_SIZE = 5 * MAX_SIZE


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # not used
        _validation, args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            mutually_exclusive=[("path", "src")],
            required_one_of=[("path", "src")],
        )
        if args["path"] is not None:
            result.update(
                self._execute_module(
                    module_name="esus.pec.pkcs12_validate", module_args=self._task.args, task_vars=task_vars
                )
            )
            return result
        problem = check_inputs(args)
        if problem:
            return dict(result, failed=True, msg=problem)
        if not HAS_CRYPTOGRAPHY:
            return dict(
                result,
                failed=True,
                msg=missing_required_lib(
                    "cryptography", reason="on the controller, to check the certificate given as src"
                ),
            )
        host = (task_vars or {}).get("inventory_hostname", "?")
        report = self._validate_src(args, host)
        outcome, failed = finish(report, args["fail_on_invalid"])
        result.update(outcome)
        if failed:
            result["failed"] = True
        return result

    def _validate_src(self, args: dict, host: str) -> dict:
        src = args["src"]
        label = "host %s, file %s" % (host, src)
        try:
            real = self._find_needle("files", src)
        except AnsibleError:
            return dict(missing_report(label), src=src, src_vaulted=False)
        label = "host %s, file %s" % (host, real)
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode):  # a folder or a FIFO: nothing to decrypt, nothing to wait for
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return dict(not_a_file(label, what), src=real, src_vaulted=False)
        size = info.st_size
        if size > _MAX_VAULTED_SIZE:  # refused before reading or decrypting anything
            return dict(too_large_report(label, size), src=real, src_vaulted=False)
        try:
            data, show_content = self._loader._get_file_contents(real)
        except AnsibleFileNotFound:
            return dict(missing_report(label), src=real, src_vaulted=False)
        except AnsibleError as exc:
            msg = (
                "%s: the file cannot be decrypted with the vault secrets given to this run (%s). Pass the right "
                "--vault-id / --vault-password-file for this municipality's file." % (label, exc.message)
            )
            return dict(make_report(WRONG_PASSWORD, msg), src=real, src_vaulted=True)
        data = bytes(data)  # drop the loader's origin tag
        return dict(run_validation(data, len(data), args, label), src=real, src_vaulted=not show_content)
