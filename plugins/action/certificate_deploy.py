# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller face of esus.pec.certificate_deploy (documentation lives with the module stub).

Observe on the host, decide once here, act on the host. One read of the vaulted source, one validation of
those bytes, and only those bytes are sent (on the connection's stdin or in no_log arguments, never in a file on
the controller): a file replaced on the controller while the play runs can never be installed unvalidated.

1. Observe. Linux: one direct run of module_utils/host_probe.py (one remote command, no AnsiballZ:
   plugin_utils/direct_probe.py), or esus.pec.chaves_certificate's look when the host's Python cannot run it.
   Windows (any shell): esus.pec.win_chaves_certificate's observe step, without the bytes.
2. Decide: plugin_utils/chaves_plan.py ``plan(observed, desired)``, the one rule, with codes. An unchanged host
   stops here (one remote command on Linux, one execution on Windows); so does --check, with the same answer.
3. Apply: the host part makes exactly the planned changes if chaves and the certificate are still as observed
   (compare-and-swap), the bytes sent only when the certificate must be written: staged under a name PEC ignores,
   verified, swapped into place atomically, the previous file kept as a bounded backup. Windows: chaves closed by
   one security descriptor (plugin_utils/windows_acl.py).
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
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import EXPIRING, HAS_CRYPTOGRAPHY
from ansible_collections.esus.pec.plugins.module_utils.validation import check_inputs, run_validation
from ansible_collections.esus.pec.plugins.plugin_utils.chaves_plan import expectation, observation, plan, with_sids
from ansible_collections.esus.pec.plugins.plugin_utils.chaves_words import blocker_message, describe, diff
from ansible_collections.esus.pec.plugins.plugin_utils.direct_probe import direct_probe
from ansible_collections.esus.pec.plugins.plugin_utils.hosts import Platform, platform_of
from ansible_collections.esus.pec.plugins.plugin_utils.input_names import UNREADABLE_VARIABLE, validated_options
from ansible_collections.esus.pec.plugins.plugin_utils.input_names import check as check_variables
from ansible_collections.esus.pec.plugins.plugin_utils.vaulted_source import read_and_validate
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import FILE_SDDL, SddlError, chaves_template

_REPORT_KEYS = (
    "verdict",
    "valid",
    "reasons",
    "pec_status",
    "certificate",
    "chain_length",
    "pkcs12",
    "src_vaulted",
    "java",
)
# What a refused host's result leaves out (refusal_shown): the message says what is wrong and what to do
_DETAILS = ("certificate", "pkcs12", "reasons", "chain_length", "java", "changes", "diff")
_STAGED_NAME = "esus-pec-certificate"
_UNTOUCHED = " Nothing was changed on the host."
# What the Linux host module takes from the action's own options (the rest the action computes or decides)
_LINUX_OPTIONS = tuple(
    sorted(
        set(_argspec.chaves_certificate_spec())
        - set(_argspec.validated_bytes())
        - {"pec_root", "staged", "apply", "expect", "stale", "others"}
    )
)


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


def refusal_shown(result: dict) -> dict:
    """A refused host's result as the terminal shows it: the message and what decided, not the certificate's
    details (its subject names the responsible person) nor the PKCS#12 structure: a failure prints its whole
    result at every verbosity."""
    if not result.get("failed"):
        return result
    return {key: value for key, value in result.items() if key not in _DETAILS}


def desired_state(args: dict, report: dict, seam: Platform) -> dict:
    """What the deploy wants on the host, in plan()'s shape (Windows: the descriptor is filled in once the host
    has resolved the principals, see with_sids)."""
    desired = {
        "windows": seam.windows,
        "pec_root": args["pec_root"] or seam.pec_root,
        "create_pec_root": args["create_pec_root"],
        "dest_name": args["dest_name"],
        "checksum": report["checksum"],
        "size": report["size"],
        "remove_others": args["remove_others"],
    }
    if seam.windows:
        template, principals = chaves_template(args["windows_principals"])  # SddlError before the host is reached
        desired.update(template=template, principals=principals, file_sddl=FILE_SDDL)
    else:
        desired.update({key: args[key] for key in ("owner", "group", "dir_mode", "file_mode")})
    return desired


def judged_for_the_hosts_java(args: dict, seen: dict, data: bytes, label: str) -> dict | None:
    """The report for the Java the host's PEC runs on, or None when the first judgment stands.

    The bytes were validated before the host was touched, for ``java`` (Java 17 when not given). When ``java``
    was not given and the look read a Java from the host's pec.config (``jreVersion``: PEC up to 5.2 ran on
    Java 8), the same bytes are judged again for that Java, still before anything on the host changes."""
    host_java = (seen.get("pec") or {}).get("jre_version")
    if args["java"] or not host_java:
        return None
    return run_validation(data, len(data), dict(args, java=host_java), label)


def host_paths(observed: dict, desired: dict, seam: Platform) -> tuple:
    """(chaves, dest) as the host spells them."""
    chaves = (observed.get("chaves") or {}).get("path") or desired["pec_root"] + seam.separator + "chaves"
    return chaves, chaves + seam.separator + desired["dest_name"]


class ActionModule(ActionBase):
    TRANSFERS_FILES = False  # a temporary folder is made only when bytes are sent (Linux), never up front
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        return refusal_shown(self._decide_and_deploy(tmp, task_vars))

    def _decide_and_deploy(self, tmp, task_vars):
        result = super().run(tmp, task_vars)
        del tmp  # made only when bytes are sent
        host = (task_vars or {}).get("inventory_hostname", "?")
        # the options the task does not set, read from the variables option_names names (input_names.py)
        args, unread = validated_options(self, task_vars or {}, _argspec.certificate_deploy_spec())
        if unread:
            return dict(result, failed=True, changed=False, code=UNREADABLE_VARIABLE, msg=unread)
        # the inventory's names against the roles' contract, and the password read raw (input_names.py)
        variables = check_variables(
            self._templar, task_vars or {}, args["option_names"], "password" in self._task.args, required=True
        )
        if variables["warnings"]:
            result["warnings"] = list(variables["warnings"])
        if variables["msg"]:
            return dict(result, failed=True, changed=False, code=variables["code"], msg=variables["msg"])
        if variables["password"] is not None:
            args["password"] = variables["password"]
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
            result.setdefault("warnings", []).append(report["msg"])

        seam = platform_of(self._connection)
        try:
            desired = desired_state(args, report, seam)
            outcome = self._deploy(seam, args, desired, data, task_vars, "host %s, file %s" % (host, result["src"]))
        except SddlError as exc:
            where = named("windows_principals", args["option_names"])
            return dict(result, failed=True, changed=False, msg="host %s: %s (%s).%s" % (host, exc, where, _UNTOUCHED))
        finally:  # the module files and the staged certificate, whatever happened
            self._remove_tmp_path(self._connection._shell.tmpdir)
        if outcome.get("failed"):
            msg = outcome.get("msg", "the deploy failed")
            outcome["msg"] = msg if msg.startswith("host %s" % host) else "host %s: %s" % (host, msg)
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

    def _deploy(self, seam: Platform, args: dict, desired: dict, data: bytes, task_vars, label: str) -> dict:
        host_args = self._host_args(seam, args, desired)
        seen = self._observe(seam, desired, host_args, task_vars)
        if seen.get("failed"):
            return seen
        judged = judged_for_the_hosts_java(args, seen, data, label)
        if judged and not judged["valid"]:
            kept = {key: judged[key] for key in _REPORT_KEYS if key in judged}
            return dict(kept, failed=True, changed=False, changes=[], codes=[], msg=judged["msg"] + _UNTOUCHED)
        observed = observation(seen)
        desired = with_sids(desired, observed)
        decided = plan(observed, desired)
        chaves, dest = host_paths(observed, desired, seam)
        outcome = {
            "changed": bool(decided.changes),
            "changes": describe(decided.changes, seam.windows),
            "codes": [change.value for change in decided.changes],
            "dest": dest,
            "checksum": desired["checksum"],
            "others": [chaves + seam.separator + name for name in decided.others],
        }
        if judged:  # the rules the file was judged by for this host
            outcome["java"] = judged["java"]
        if decided.blockers:
            message = blocker_message(decided.blockers, chaves, dest, args["option_names"])
            return dict(
                outcome,
                failed=True,
                changed=False,
                changes=[],
                codes=[],
                blockers=[finding.code.value for finding in decided.blockers],
                msg=message + _UNTOUCHED,
            )
        if self._task.diff and decided.changes:
            outcome["diff"] = diff(observed, desired, chaves, dest)
        if not decided.changes or self._task.check_mode:  # all an unchanged host, or --check, costs
            return outcome
        host_args.update(
            apply=outcome["codes"],
            expect=expectation(observed, desired),
            stale=list(decided.stale),
            others=list(decided.others),
        )
        if seam.windows:
            host_args["sddl"] = desired["sddl"]
            if decided.needs_bytes:  # no_log, base64, in memory only; never for an unchanged host
                host_args["content"] = base64.b64encode(data).decode("ascii")
            applied = self._execute_module(module_name=seam.deploy_module, module_args=host_args, task_vars=task_vars)
        elif decided.needs_bytes:
            applied = self._send_and_install(data, seam, host_args, task_vars)
        else:
            applied = self._execute_module(module_name=seam.deploy_module, module_args=host_args, task_vars=task_vars)
        if applied.get("failed"):
            return dict(
                applied, changes=outcome["changes"], codes=outcome["codes"], changed=bool(applied.get("changed"))
            )
        if applied.get("backup"):
            outcome["backup"] = applied["backup"]
        return outcome

    @staticmethod
    def _host_args(seam: Platform, args: dict, desired: dict) -> dict:
        """The host part's arguments common to its look and its apply (checked against its spec in the tests)."""
        if seam.windows:
            keys = ("create_pec_root", "dest_name", "backups")
            return dict(
                {key: args[key] for key in keys},
                pec_root=desired["pec_root"],
                principals=desired["principals"],
                checksum=desired["checksum"],
                size=desired["size"],
            )
        host_args = {key: args[key] for key in _LINUX_OPTIONS}
        host_args.update(pec_root=desired["pec_root"], checksum=desired["checksum"], size=desired["size"])
        return host_args

    def _observe(self, seam: Platform, desired: dict, host_args: dict, task_vars) -> dict:
        """The host as it is now, read-only: host_probe's answer (Linux) or the observe step's ``observed``."""
        if not seam.windows:
            look = {
                "pec_root": desired["pec_root"],
                "fact_path": "",
                "pec_config": host_args["pec_config"],
                "dest_name": desired["dest_name"],
                "owner": desired["owner"],
                "group": desired["group"],
            }
            probe = direct_probe(self, look, task_vars or {}, module=seam.deploy_module)
            if probe is not None:
                return probe
        seen = self._execute_module(module_name=seam.deploy_module, module_args=dict(host_args), task_vars=task_vars)
        if seen.get("failed"):
            return seen
        return seen.get("observed") or {}

    def _send_and_install(self, data: bytes, seam: Platform, host_args: dict, task_vars) -> dict:
        tmp = self._connection._shell.tmpdir or self._make_tmp_path()
        staged = self._connection._shell.join_path(tmp, _STAGED_NAME)
        self._send(data, staged)
        self._fixup_perms2((tmp, staged))
        return self._execute_module(
            module_name=seam.deploy_module, module_args=dict(host_args, staged=staged), task_vars=task_vars
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
