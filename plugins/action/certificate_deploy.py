# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller face of esus.pec.certificate_deploy (documentation lives with the module stub).

One read of the vaulted source, one validation of those bytes, and only those bytes are sent (on the
connection's stdin, so no copy is written on the controller's disk): a file replaced on the controller while
the play runs can never be installed unvalidated. On a Linux host, one direct run of
module_utils/host_probe.py (one remote command, no AnsiballZ: plugin_utils/direct_probe.py) first looks; when
chaves, the certificate (SHA-1, size) and their owner, group and mode are already right, that is all an
unchanged host costs. Otherwise esus.pec.chaves_certificate plans, then, only when the certificate must be
written, receives the bytes and installs them staged, verified and renamed into place. On Windows (any shell:
PowerShell or cmd) one execution of esus.pec.win_chaves_certificate does it all, the bytes travelling base64
in its no_log arguments (never in a file on either side), with chaves closed by one security descriptor
(plugin_utils/windows_acl.py).
"""

from __future__ import annotations

import base64
import os
import shlex

from ansible.errors import AnsibleError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.action import ActionBase

from ansible_collections.esus.pec.plugins.module_utils import _argspec
from ansible_collections.esus.pec.plugins.module_utils._argspec import named
from ansible_collections.esus.pec.plugins.module_utils.certificate_files import other_pkcs12
from ansible_collections.esus.pec.plugins.module_utils.chaves_options import (
    LINUX_PEC_ROOT,
    STAGING_PREFIX,
    WINDOWS_PEC_ROOT,
)
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import EXPIRING, HAS_CRYPTOGRAPHY
from ansible_collections.esus.pec.plugins.module_utils.validation import check_inputs
from ansible_collections.esus.pec.plugins.plugin_utils.direct_probe import direct_probe
from ansible_collections.esus.pec.plugins.plugin_utils.hosts import is_windows
from ansible_collections.esus.pec.plugins.plugin_utils.vaulted_source import read_and_validate
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import SddlError, chaves_template

_REPORT_KEYS = ("verdict", "valid", "reasons", "pec_status", "certificate", "chain_length", "pkcs12", "src_vaulted")
_HOST_MODULE = "esus.pec.chaves_certificate"
_WINDOWS_MODULE = "esus.pec.win_chaves_certificate"
# What the host modules take from the action's own options (the rest the action computes)
_LINUX_OPTIONS = tuple(sorted(set(_argspec.chaves_certificate_spec()) - set(_argspec.validated_bytes()) - {"staged"}))
_WINDOWS_OPTIONS = tuple(sorted(set(_argspec.chaves()) - {"file_mode"}))
_STAGED_NAME = "esus-pec-certificate"
_UNTOUCHED = " Nothing was changed on the host."


def others_warning(host: str, dest: str, others: list, removed: bool, option_names: dict | None = None) -> str:
    """PEC uses one certificate and remembers the file the admin selected: say which others ``chaves`` holds.

    A warning of the deploy task itself (not a task of its own, which would cost every host a worker even
    when it is skipped). ``dest`` and ``others`` are host paths, with either separator."""
    chaves, _sep, name = dest.replace("\\", "/").rpartition("/")
    chaves = dest[: len(chaves)]
    files = ", ".join(path.replace("\\", "/").rpartition("/")[2] for path in others)
    remove_others = named("remove_others", option_names)
    return (
        "host %s: %s also holds %s. PEC uses one certificate and remembers the file chosen in Gestão Municipal > "
        "Certificados: select %s there. %s"
        % (
            host,
            chaves,
            files,
            name,
            ("They were removed, as %s asked." if removed else "Set %s: true to remove them.") % remove_others,
        )
    )


def unchanged_outcome(probe: dict, host_args: dict):
    """esus.pec.chaves_certificate's answer for a host where it would change nothing, read from the direct probe
    (module_utils/host_probe.py); None when anything differs or is unknown, and the module decides."""
    chaves = probe.get("chaves") or {}
    if not (chaves.get("exists") and chaves.get("is_dir") and chaves.get("readable")):
        return None
    try:
        wanted_dir, wanted_file = int(host_args["dir_mode"], 8), int(host_args["file_mode"], 8)
    except (TypeError, ValueError):
        return None
    owned = (host_args["owner"], host_args["group"])
    if (chaves.get("owner"), chaves.get("group"), int(chaves.get("mode") or "0", 8)) != (*owned, wanted_dir):
        return None
    files = probe.get("files") or []
    name = host_args["dest_name"]
    dest = [f for f in files if f.get("name") == name]
    if len(dest) != 1 or not dest[0].get("readable"):
        return None
    found = dest[0]
    if (found.get("sha1"), found.get("size")) != (host_args["checksum"], host_args["size"]):
        return None
    if (found.get("owner"), found.get("group"), int(found.get("mode") or "0", 8)) != (*owned, wanted_file):
        return None
    if any(f.get("name", "").startswith(STAGING_PREFIX) for f in files):
        return None
    others = ["%s/%s" % (chaves["path"], other) for other in other_pkcs12([f["name"] for f in files], name)]
    if others and host_args["remove_others"]:
        return None
    return {
        "changed": False,
        "changes": [],
        "dest": "%s/%s" % (chaves["path"], name),
        "checksum": host_args["checksum"],
        "others": others,
        "needs_content": False,
    }


class ActionModule(ActionBase):
    TRANSFERS_FILES = False  # a temporary folder is made only when bytes are sent (Linux), never up front
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # made only when bytes are sent
        _validation, args = self.validate_argument_spec(argument_spec=_argspec.certificate_deploy_spec())
        host = (task_vars or {}).get("inventory_hostname", "?")
        problem = check_inputs(args)
        if problem:
            return dict(result, failed=True, msg="host %s: %s%s" % (host, problem, _UNTOUCHED))
        if not HAS_CRYPTOGRAPHY:
            reason = "on the controller, to check the certificate before it is deployed"
            return dict(result, failed=True, msg=missing_required_lib("cryptography", reason=reason))

        report, data = read_and_validate(self, args, host)
        result.update({key: report[key] for key in _REPORT_KEYS if key in report})
        result["src"] = report.get("src", args["src"])
        if not report["valid"]:
            return dict(result, failed=True, changed=False, msg=report["msg"] + _UNTOUCHED)
        if not report["src_vaulted"] and not args["allow_plaintext"]:
            name = os.path.basename(result["src"])
            msg = (
                "host %s, file %s: the certificate is not ansible-vault encrypted. Encrypt it (ansible-vault encrypt "
                "--vault-id <state>@prompt %s) or, knowingly, set %s: true.%s"
                % (host, result["src"], name, named("allow_plaintext", args["option_names"]), _UNTOUCHED)
            )
            return dict(result, failed=True, changed=False, msg=msg)
        if report["verdict"] == EXPIRING:
            result["warnings"] = [report["msg"]]

        windows = is_windows(self._connection)
        try:
            if windows:
                outcome = self._deploy_windows(args, report, data, task_vars)
            else:
                outcome = self._deploy_linux(args, report, data, task_vars)
        except SddlError as exc:
            where = named("windows_principals", args["option_names"])
            return dict(result, failed=True, changed=False, msg="host %s: %s (%s).%s" % (host, exc, where, _UNTOUCHED))
        finally:  # the module files and the staged certificate, whatever happened
            self._remove_tmp_path(self._connection._shell.tmpdir)
        outcome.pop("needs_content", None)
        if outcome.get("failed"):
            outcome["msg"] = "host %s: %s" % (host, outcome.get("msg", "the deploy failed"))
        else:
            outcome["msg"] = report["msg"]
            if outcome.get("others"):
                result.setdefault("warnings", []).append(
                    others_warning(
                        host, outcome.get("dest", ""), outcome["others"], args["remove_others"], args["option_names"]
                    )
                )
        result.update(outcome)
        return result

    def _deploy_linux(self, args: dict, report: dict, data: bytes, task_vars) -> dict:
        host_args = {key: args[key] for key in _LINUX_OPTIONS}
        host_args.update(pec_root=args["pec_root"] or LINUX_PEC_ROOT, checksum=report["checksum"], size=report["size"])
        look = {"pec_root": host_args["pec_root"], "fact_path": "", "pec_config": ""}
        probe = direct_probe(self, look, task_vars or {}, module=_HOST_MODULE)
        same = unchanged_outcome(probe, host_args) if probe is not None else None
        if same is not None:  # all an unchanged host costs: one remote command
            return same
        outcome = self._execute_module(module_name=_HOST_MODULE, module_args=host_args, task_vars=task_vars)
        if outcome.get("needs_content") and not outcome.get("failed"):
            outcome = self._send_and_install(data, host_args, task_vars)
        return outcome

    def _deploy_windows(self, args: dict, report: dict, data: bytes, task_vars) -> dict:
        """One execution: the plan, and in a real run the bytes with it (no_log, base64, in memory only)."""
        template, principals = chaves_template(args["windows_principals"])
        host_args = {key: args[key] for key in _WINDOWS_OPTIONS}
        names = args["option_names"]
        host_args.update(
            pec_root=args["pec_root"] or WINDOWS_PEC_ROOT,
            sddl=template,
            principals=principals,
            # the module's principals are this action's windows_principals: its messages say so
            option_names=dict(names, principals=names.get("windows_principals") or "windows_principals"),
            checksum=report["checksum"],
            size=report["size"],
        )
        if not self._task.check_mode:
            host_args["content"] = base64.b64encode(data).decode("ascii")
        return self._execute_module(module_name=_WINDOWS_MODULE, module_args=host_args, task_vars=task_vars)

    def _send_and_install(self, data: bytes, host_args: dict, task_vars) -> dict:
        tmp = self._connection._shell.tmpdir or self._make_tmp_path()
        staged = self._connection._shell.join_path(tmp, _STAGED_NAME)
        self._send(data, staged)
        self._fixup_perms2((tmp, staged))
        return self._execute_module(
            module_name=_HOST_MODULE, module_args=dict(host_args, staged=staged), task_vars=task_vars
        )

    def _send(self, data: bytes, remote_path: str) -> None:
        """Send the bytes on the connection's stdin: no copy of them is written on the controller's disk.

        A copy left in the admin's temporary folder on the host by a run killed before its cleanup (older
        than an hour, so a run in progress is never touched) is removed on the way.
        """
        base = os.path.dirname(os.path.dirname(remote_path))  # <remote_tmp>/ansible-tmp-*/esus-pec-certificate
        command = (
            "find %s -mindepth 2 -maxdepth 2 -type f -name %s -mmin +60 -delete 2>/dev/null; "
            "umask 077 && cat > %s" % (shlex.quote(base), _STAGED_NAME, shlex.quote(remote_path))
        )
        done = self._low_level_execute_command(command, sudoable=False, in_data=data)
        if done["rc"] != 0:
            raise AnsibleError(
                "the certificate could not be sent to %s (%s)" % (remote_path, done.get("stderr", "").strip()[:300])
            )
