# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""esus.pec.rnds_audit: the RNDS readiness of one PEC server (documentation lives with the module stub).

Linux: one execution of esus.pec.pec_probe on the host reads everything (PEC, chaves, files, network,
the certificate's bytes), the certificate is validated here on the controller (the host needs no
cryptography) and its bytes are dropped; a second execution writes the local fact. Two round trips.
Windows: the same, through ansible.windows modules.
"""

from __future__ import annotations

import base64
import json

from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.action import ActionBase

from ansible_collections.esus.pec.plugins.module_utils.certificate_files import file_kind
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import HAS_CRYPTOGRAPHY, validate
from ansible_collections.esus.pec.plugins.module_utils.readiness import assess

ARGUMENT_SPEC = {
    "pec_root": {"type": "str"},
    "password": {"type": "str", "default": "", "no_log": True},
    "expected_cnpj": {"type": "str", "default": ""},
    "min_days_valid": {"type": "int", "default": 30},
    "owner": {"type": "str", "default": "root"},
    "group": {"type": "str", "default": "root"},
    "dir_mode": {"type": "str", "default": "0750"},
    "extra_sids": {"type": "list", "elements": "str", "default": []},
    "check_network": {"type": "bool", "default": True},
    "endpoints": {"type": "list", "elements": "dict", "default": [{"host": "ehr-auth.saude.gov.br", "port": 443}]},
    "network_timeout": {"type": "float", "default": 5},
    "probe_token": {"type": "bool", "default": False},
    "token_url": {"type": "str", "default": "https://ehr-auth.saude.gov.br/api/token"},
    "token_ca_file": {"type": "path"},
    "token_timeout": {"type": "float", "default": 10},
    "persist_fact": {"type": "bool", "default": True},
    "fact_path": {"type": "str"},
    "record": {"type": "dict", "default": {}},
}
LINUX_ROOT = "/opt/e-SUS/webserver"
WINDOWS_ROOT = "C:\\Program Files\\e-SUS\\webserver"
LINUX_FACT = "/etc/ansible/facts.d/esus_pec_rnds.fact"
WINDOWS_FACT = "C:\\ProgramData\\esus.pec\\facts.d\\esus_pec_rnds.json"
WINDOWS_ACL_SCRIPT = r"""
$acl = Get-Acl -LiteralPath $args[0]
[PSCustomObject]@{
  owner = $acl.GetOwner([System.Security.Principal.SecurityIdentifier]).Value
  protected = $acl.AreAccessRulesProtected
  sids = @($acl.Access | ForEach-Object {
    $_.IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]).Value } | Sort-Object -Unique)
}
"""


def windows_calls(root: str, endpoints: list, timeout: float) -> list:
    """(key, module, arguments) of the read-only Windows probe; checked against ansible-doc in the tests."""
    chaves = root + "\\chaves"
    calls = [
        ("pec", "ansible.windows.win_stat", {"path": root, "get_checksum": False}),
        ("chaves", "ansible.windows.win_stat", {"path": chaves, "get_checksum": False}),
        (
            "files",
            "ansible.windows.win_find",
            {
                "paths": chaves,
                "patterns": ["*"],
                "file_type": "file",
                "get_checksum": True,
                "checksum_algorithm": "sha1",
            },
        ),
        ("acl", "ansible.windows.win_powershell", {"script": WINDOWS_ACL_SCRIPT, "arguments": [chaves]}),
    ]
    calls += [
        (
            "network",
            "ansible.windows.win_wait_for",
            {"host": e["host"], "port": int(e.get("port", 443)), "timeout": max(1, int(timeout)), "state": "started"},
        )
        for e in endpoints
    ]
    return calls


def windows_fact_call(path: str, fact: dict) -> tuple:
    return "ansible.windows.win_copy", {"content": json.dumps(fact, indent=2, sort_keys=True), "dest": path}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if not HAS_CRYPTOGRAPHY:
            return dict(
                result,
                failed=True,
                msg=missing_required_lib(
                    "cryptography", reason="on the controller, to check the certificates read from the hosts"
                ),
            )
        windows = self._connection._shell.SHELL_FAMILY == "powershell"
        root = args["pec_root"] or (WINDOWS_ROOT if windows else LINUX_ROOT)
        separator = "\\" if windows else "/"
        endpoints = args["endpoints"] if args["check_network"] else []
        probe = (
            self._probe_windows(root, endpoints, args, task_vars)
            if windows
            else self._probe_linux(root, endpoints, args, task_vars)
        )
        if probe.get("failed"):
            return dict(
                result,
                failed=True,
                msg="host %s: could not look at PEC: %s" % (task_vars.get("inventory_hostname"), probe.get("msg")),
            )
        certificate_bytes = probe.pop("certificate", None)
        host = task_vars.get("inventory_hostname", "?")
        chaves = root + separator + "chaves"
        report, token = None, None
        pkcs12 = [f for f in probe.get("files", []) if file_kind(f["name"]) == "pkcs12"]
        if certificate_bytes is not None and len(pkcs12) == 1:
            label = "host %s, file %s%s%s" % (host, chaves, separator, pkcs12[0]["name"])
            report = validate(
                certificate_bytes,
                args["password"],
                label=label,
                min_days_valid=args["min_days_valid"],
                expected_cnpj=args["expected_cnpj"] or None,
            )
            if args["probe_token"] and report["valid"]:
                token = self._probe_token(certificate_bytes, args)
        if not args["check_network"]:
            probe["network"] = None
        expected = {
            "pec_root": root,
            "chaves": chaves,
            "owner": args["owner"],
            "group": args["group"],
            "dir_mode": args["dir_mode"],
            "extra_sids": args["extra_sids"],
        }
        readiness = assess(probe, report, expected, token)
        readiness.update(args["record"], host=host, certificate_file=pkcs12[0]["name"] if len(pkcs12) == 1 else None)
        if report and report.get("certificate"):
            readiness["certificate"] = {
                key: report["certificate"].get(key)
                for key in (
                    "subject",
                    "issuer",
                    "not_after",
                    "days_left",
                    "cnpj",
                    "cnpj_formatted",
                    "fingerprint_sha256",
                )
            }
        changed = False
        if args["persist_fact"] and not self._task.check_mode:
            fact = {
                "rnds_ready": readiness["ready"],
                "verdict": readiness["verdict"],
                "days_left": readiness["days_left"],
                "pec_status": readiness["pec_status"],
                "reasons": readiness["reasons"],
            }
            path = args["fact_path"] or (WINDOWS_FACT if windows else LINUX_FACT)
            written = self._write_fact(windows, path, fact, task_vars)
            if written.get("failed"):
                readiness["reasons"].append("the local fact %s could not be written: %s" % (path, written.get("msg")))
            changed = bool(written.get("changed"))
        result.update(
            changed=changed,
            rnds_ready=readiness["ready"],
            rnds_readiness=readiness,
            ansible_facts={"rnds_ready": readiness["ready"], "rnds_readiness": readiness},
        )
        return result

    def _run(self, module: str, arguments: dict, task_vars: dict) -> dict:
        return self._execute_module(module_name=module, module_args=arguments, task_vars=task_vars)

    def _probe_linux(self, root: str, endpoints: list, args: dict, task_vars: dict) -> dict:
        found = self._run(
            "esus.pec.pec_probe",
            {"pec_root": root, "endpoints": endpoints, "read_certificate": True, "timeout": args["network_timeout"]},
            task_vars,
        )
        if found.get("failed"):
            return found
        encoded = found.pop("certificate_b64", None)
        probe = {key: found.get(key) for key in ("pec", "chaves", "files", "network", "user")}
        probe["certificate"] = base64.b64decode(encoded) if encoded else None
        return probe

    def _probe_windows(self, root: str, endpoints: list, args: dict, task_vars: dict) -> dict:
        probe = {"pec": {"installed": False, "version": None}, "chaves": {"exists": False}, "files": [], "network": []}
        for key, module, arguments in windows_calls(root, endpoints, args["network_timeout"]):
            if key == "pec":
                stat = self._run(module, arguments, task_vars).get("stat", {})
                probe["pec"]["installed"] = bool(stat.get("exists") and stat.get("isdir"))
            elif key == "chaves":
                stat = self._run(module, arguments, task_vars).get("stat", {})
                probe["chaves"] = {"exists": bool(stat.get("exists")), "is_dir": bool(stat.get("isdir"))}
            elif key == "files" and probe["chaves"]["exists"]:
                found = self._run(module, arguments, task_vars)
                probe["files"] = [
                    {"name": f["filename"], "size": f.get("size"), "sha1": f.get("checksum")}
                    for f in found.get("files", [])
                ]
            elif key == "acl" and probe["chaves"]["exists"]:
                output = self._run(module, arguments, task_vars).get("output") or [{}]
                probe["chaves"]["acl"] = output[0]
            elif key == "network":
                outcome = self._run(module, arguments, task_vars)
                probe["network"].append(
                    {
                        "host": arguments["host"],
                        "port": arguments["port"],
                        "reachable": not outcome.get("failed"),
                        "error": outcome.get("msg"),
                    }
                )
        pkcs12 = [f for f in probe["files"] if file_kind(f["name"]) == "pkcs12"]
        if len(pkcs12) == 1:
            slurped = self._run("ansible.builtin.slurp", {"src": root + "\\chaves\\" + pkcs12[0]["name"]}, task_vars)
            probe["certificate"] = base64.b64decode(slurped["content"]) if slurped.get("content") else None
        return probe

    def _write_fact(self, windows: bool, path: str, fact: dict, task_vars: dict) -> dict:
        if windows:
            module, arguments = windows_fact_call(path, fact)
            return self._run(module, arguments, task_vars)
        return self._run("esus.pec.pec_probe", {"fact": fact, "fact_path": path}, task_vars)

    def _probe_token(self, data: bytes, args: dict) -> dict:
        from cryptography.hazmat.primitives.serialization import pkcs12

        from ansible_collections.esus.pec.plugins.plugin_utils.rnds_token import request_token

        key, certificate, chain = pkcs12.load_key_and_certificates(data, args["password"].encode("utf-8") or None)
        return request_token(
            args["token_url"],
            key,
            certificate,
            list(chain),
            ca_file=args["token_ca_file"],
            timeout=args["token_timeout"],
        )
