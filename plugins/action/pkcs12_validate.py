# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller face of esus.pec.pkcs12_validate (documentation lives with the module).

``src``: the file is read on the controller through Ansible's loader, so an ansible-vault
encrypted binary .pfx is decrypted in memory only (never to a temp file), and validated here:
the host needs nothing and no secret travels. ``path``: the module runs on the host.
"""

from __future__ import annotations

from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.action import ActionBase

from ansible_collections.esus.pec.plugins.module_utils._argspec import pkcs12_validate_spec
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import HAS_CRYPTOGRAPHY
from ansible_collections.esus.pec.plugins.module_utils.validation import check_inputs, finish
from ansible_collections.esus.pec.plugins.plugin_utils.vaulted_source import read_and_validate


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # not used
        _validation, args = self.validate_argument_spec(
            argument_spec=pkcs12_validate_spec(),
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
        return read_and_validate(self, args, host)[0]
