# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""esus.pec.rnds_audit: the RNDS readiness of one PEC server (documentation lives with the module stub).

One execution of the probe on the host reads everything (PEC, chaves, files, network, the certificate's
bytes, the local fact the last audit left). On Linux that is module_utils/host_probe.py run directly by the
host's Python 3, one remote command with or without pipelining and no AnsiballZ (whose loader imports
ansible.module_utils.basic, most of a module execution's cost); if that gives no answer, the same code runs
as the module esus.pec.pec_probe. On Windows it is esus.pec.win_pec_probe (any shell). The certificate is
validated here on the controller (the host needs no cryptography) and its bytes are dropped. A second
execution writes the local fact (absolute dates and codes: plugin_utils/local_fact.py) and, with metrics_dir,
the decision's Prometheus file (plugin_utils/host_metrics.py), only when one differs from what the host holds:
two round trips at most, one when nothing changed since the last audit, a week later too. The audit's time for
Prometheus rides on the first execution (the look writes it; not in check mode).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import posixpath
import time

from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.action import ActionBase

from ansible_collections.esus.pec.plugins.module_utils._argspec import named, rnds_audit_spec
from ansible_collections.esus.pec.plugins.module_utils.host_probe import fact_text
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import HAS_CRYPTOGRAPHY, WRONG_PASSWORD, validate
from ansible_collections.esus.pec.plugins.module_utils.validation import run_validation
from ansible_collections.esus.pec.plugins.plugin_utils._readiness_host import ehr_services_host
from ansible_collections.esus.pec.plugins.plugin_utils.chaves_plan import audit_certificate_file, with_sids
from ansible_collections.esus.pec.plugins.plugin_utils.direct_probe import direct_probe, output_not_shown
from ansible_collections.esus.pec.plugins.plugin_utils.host_metrics import metrics_decision, metrics_plan
from ansible_collections.esus.pec.plugins.plugin_utils.hosts import platform_of
from ansible_collections.esus.pec.plugins.plugin_utils.input_names import UNREADABLE_VARIABLE, validated_options
from ansible_collections.esus.pec.plugins.plugin_utils.input_names import check as check_variables
from ansible_collections.esus.pec.plugins.plugin_utils.inventory_certificate import (
    inventory_finding,
    previous_fact,
    renewal,
)
from ansible_collections.esus.pec.plugins.plugin_utils.local_fact import local_fact
from ansible_collections.esus.pec.plugins.plugin_utils.readiness import assess, check
from ansible_collections.esus.pec.plugins.plugin_utils.vaulted_source import read_source
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import SddlError, chaves_template

LINUX_FACT = "/etc/ansible/facts.d/esus_pec_rnds.fact"
WINDOWS_FACT = "C:\\ProgramData\\esus.pec\\facts.d\\esus_pec_rnds.json"
WINDOWS_PROBE = "esus.pec.win_pec_probe"
LINUX_PROBE = "esus.pec.pec_probe"


def probe_call(windows: bool, root: str, endpoints: list, args: dict, fact_path: str, principals: list) -> tuple:
    """(module, arguments) of the one read-only probe execution; checked against the module's spec in the tests."""
    endpoints = [{"host": e["host"], "port": int(e.get("port") or 443)} for e in endpoints]
    ehr = ehr_services_host(args.get("uf") or "", args.get("environment") or "production")
    if endpoints and ehr and ehr not in [e["host"] for e in endpoints]:  # where PEC sends records (issue 23)
        endpoints.append({"host": ehr, "port": 443})
    arguments = {"pec_root": root, "endpoints": endpoints, "timeout": args["network_timeout"], "fact_path": fact_path}
    arguments["service"] = args.get("pec_service") or ""
    if windows:
        return WINDOWS_PROBE, dict(arguments, principals=principals)
    if endpoints and args.get("check_trust"):  # PEC's own Java trust store against the endpoints (issue 23, item 3)
        arguments["trust_store"] = args.get("jre_cacerts") or jre_cacerts(root)
    return LINUX_PROBE, dict(
        arguments, read_certificate=True, pec_config=args["pec_config"], https_port=args.get("https_port") or 443
    )


def jre_cacerts(root: str) -> str:
    """PEC's bundled Java's trust store, beside its webserver folder: /opt/e-SUS/jre/current/lib/security/cacerts."""
    return posixpath.join(posixpath.dirname(root.rstrip("/")) or "/", "jre", "current", "lib", "security", "cacerts")


def fact_call(windows: bool, path: str, fact: dict | None, metrics: tuple = ()) -> tuple:
    """(module, arguments) of the execution that writes the local fact and/or the decision's metrics
    (``metrics``: (path, text)): whichever changed, both in one execution."""
    arguments = {"fact_path": path}
    if metrics:
        arguments.update(metrics_path=metrics[0], metrics_content=metrics[1])
    if fact is not None:
        arguments.update({"fact_content": fact_text(fact)} if windows else {"fact": fact})
    return (WINDOWS_PROBE if windows else LINUX_PROBE), arguments


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        host = task_vars.get("inventory_hostname", "?")
        # the options the task does not set, read from the variables option_names names (input_names.py)
        args, unread = validated_options(self, task_vars, rnds_audit_spec())
        if unread:
            return dict(result, failed=True, code=UNREADABLE_VARIABLE, msg=unread)
        # the inventory's names against the roles' contract, and the password read raw (input_names.py)
        variables = check_variables(self._templar, task_vars, args["option_names"], "password" in self._task.args)
        if variables["warnings"]:
            result["warnings"] = list(variables["warnings"])
        if variables["msg"]:
            return dict(result, failed=True, code=variables["code"], msg=variables["msg"])
        if variables["password"] is not None:
            args["password"] = variables["password"]
        if not HAS_CRYPTOGRAPHY:
            return dict(
                result,
                failed=True,
                msg=missing_required_lib(
                    "cryptography", reason="on the controller, to check the certificates read from the hosts"
                ),
            )
        seam = platform_of(self._connection)
        windows, separator = seam.windows, seam.separator
        root = args["pec_root"] or seam.pec_root
        fact_path = args["fact_path"] or (WINDOWS_FACT if windows else LINUX_FACT)
        try:
            template, principals = chaves_template(args["windows_principals"]) if windows else ("", [])
        except SddlError as exc:
            where = named("windows_principals", args["option_names"])
            return dict(result, failed=True, msg="host %s: %s (%s)." % (host, exc, where))
        module, arguments = probe_call(
            windows, root, args["endpoints"] if args["check_network"] else [], args, fact_path, principals
        )
        metrics = metrics_plan(args, separator, self._task.check_mode)
        arguments.update(metrics["probe"] if metrics else {})
        probe = None if windows else direct_probe(self, arguments, task_vars)
        if probe is None:
            with output_not_shown(self):  # the answer carries the certificate's bytes
                probe = self._execute_module(module_name=module, module_args=arguments, task_vars=task_vars)
        answered_at = time.time()  # the host's clock is compared with this one
        if probe.get("failed"):
            return dict(result, failed=True, msg="host %s: could not look at PEC: %s" % (host, probe.get("msg")))
        encoded = probe.pop("certificate_b64", None)
        certificate_bytes = base64.b64decode(encoded) if encoded else None
        chaves = root + separator + "chaves"
        report, token = None, None
        # the Java the host's PEC runs on (pec.config's jreVersion), unless the inventory names one
        java = args["java"] or (probe.get("pec") or {}).get("jre_version") or None
        inventory, inventory_bytes = self._inventory(args, host, java)  # read once, on the controller
        wanted = inventory["sha1"] if inventory else None
        _found, single = audit_certificate_file(probe, wanted)  # the one certificate, by the audit's own rule
        deployed = None
        if single:
            sha1 = single.get("sha1") or (hashlib.sha1(certificate_bytes).hexdigest() if certificate_bytes else None)
            deployed = {"name": single["name"], "sha1": sha1}
            if wanted and sha1 == wanted:  # the same bytes: those read on the controller (none came among several)
                certificate_bytes = inventory_bytes
        if certificate_bytes is not None and single:
            label = "host %s, file %s%s%s" % (host, chaves, separator, single["name"])
            report = validate(
                certificate_bytes,
                args["password"],
                label=label,
                min_days_valid=args["min_days_valid"],
                expected_cnpj=args["expected_cnpj"] or None,
                java=java,
            )
            if args["probe_token"] and report["valid"]:
                token = self._probe_token(certificate_bytes, args)
        del certificate_bytes, inventory_bytes
        same = bool(wanted and deployed and deployed["sha1"] == wanted)
        pending = inventory.pop("pending", None) if inventory else None
        if same and report is not None:
            inventory["report"] = report  # the same bytes, the same rules: judged once
        elif pending is not None:
            inventory["report"] = pending()
        del pending
        found_inventory = inventory_finding(inventory, deployed, report)
        fact_before = previous_fact(probe.get("fact_current"))
        today = datetime.datetime.now(datetime.timezone.utc).date()
        reminder, remembered = renewal(fact_before, deployed, report, today)
        seen = {
            key: probe.get(key)
            for key in ("pec", "chaves", "files", "network", "trust", "user", "sids", "service", "cadsus", "time")
        }
        if not args["check_network"]:
            seen["network"] = None
        expected = {
            "pec_root": root,
            "chaves": chaves,
            "owner": args["owner"],
            "group": args["group"],
            "dir_mode": args["dir_mode"],
            "windows": windows,
            "service": args["pec_service"] or "",
            "pec_root_variable": (args["option_names"] or {}).get("pec_root") or "pec_root",
            "controller_time": answered_at,
            "max_clock_skew": args["max_clock_skew"],
            "check_trust": ("windows" if windows else "linux") if args["check_trust"] and args["check_network"] else "",
        }
        if windows:  # the descriptor chaves should have, with the SIDs the host resolved (as the deploy does)
            expected = with_sids(dict(expected, template=template, principals=principals), probe)
        expected["wanted_sha1"] = wanted
        readiness = assess(seen, report, expected, token, found_inventory, reminder)
        readiness.update(args["record"], host=host, certificate_file=single["name"] if single else None)
        readiness["java"] = report.get("java") if report else None
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
        inventory_certificate = ((inventory or {}).get("report") or {}).get("certificate") or {}
        if inventory_certificate and not same:  # a second certificate: the report's expiry counts include it
            readiness["inventory_days_left"] = inventory_certificate.get("days_left")
            readiness["inventory_not_after"] = inventory_certificate.get("not_after")
        # absolute dates and codes: the same fact and metrics a week later on an unchanged host
        # the deployed file's SHA-1 and when it changed, to tell a renewal at the next audit (issue 23)
        fact = dict(local_fact(readiness), **remembered) if args["persist_fact"] else None
        changed = fact is not None and probe.get("fact_current") != fact_text(fact)
        decision = metrics_decision(metrics, readiness, probe)
        # one execution when nothing changed since the last audit; in check mode, say what a run would write
        if (changed or decision["changed"]) and not self._task.check_mode:
            module, arguments = fact_call(
                windows, fact_path, fact if changed else None, decision["write"] if decision["changed"] else ()
            )
            written = self._execute_module(module_name=module, module_args=arguments, task_vars=task_vars)
            if written.get("failed"):
                why = written.get("msg") or (written.get("module_stderr") or "").strip()[-300:] or "see -vvv"
                unwritten = check("fact.not_written", path=fact_path, error=why)
                readiness["checks"].append(unwritten)
                readiness["codes"].append(unwritten["code"])
                readiness["reasons"].append(unwritten["reason"])
            changed = changed and not written.get("failed")
            decision["changed"] = decision["changed"] and not written.get("failed")
        if metrics and probe.get("timestamp_error"):
            unwritten = check("metrics.not_written", path=metrics["audit_path"], error=probe["timestamp_error"])
            readiness["checks"].append(unwritten)
            readiness["codes"].append(unwritten["code"])
            readiness["reasons"].append(unwritten["reason"])
        if args["add_to_group"]:  # what group_by does, without a second task per host
            group = "rnds_ready" if readiness["ready"] else "rnds_not_ready"
            result.update(add_group=group, parent_groups=["all"])  # up to ansible-core 2.20 the strategy reads these
            if hasattr(self, "add_group"):  # 2.21 and later no longer do: the action adds the group itself
                self.add_group(group, parent_group_names=["all"])
        result.update(
            changed=changed or decision["changed"],
            fact_changed=changed,
            metrics_changed=decision["changed"],
            metrics=decision["said"],
            rnds_ready=readiness["ready"],
            rnds_readiness=readiness,
            ansible_facts={"rnds_ready": readiness["ready"], "rnds_readiness": readiness},
        )
        return result

    def _inventory(self, args: dict, host: str, java: str | None) -> tuple:
        """(what the inventory's certificate is, its bytes or None); (None, None) when the host has none.

        Read once on the controller, vault-aware, by the deploy's own reading (vaulted_source.read_source); no
        round trip. Its validation is deferred (``pending``): when the host holds the same bytes, they are judged
        once, as the host's file."""
        if not args["src"]:
            return None, None
        problem, data, real, vaulted = read_source(self, args["src"], host)
        inventory = {
            "src": real,
            "vaulted": vaulted,
            "allow_plaintext": args["allow_plaintext"],
            "sha1": hashlib.sha1(data).hexdigest() if data is not None else None,
            "locked": bool(problem) and problem["verdict"] == WRONG_PASSWORD and data is None,
            "report": problem,
        }
        if data is not None:
            label = "host %s, file %s" % (host, real)
            inventory["pending"] = lambda: run_validation(data, len(data), dict(args, java=java), label)
        return inventory, data

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
            ca_option=named("token_ca_file", args["option_names"]),
            timeout=args["token_timeout"],
        )
