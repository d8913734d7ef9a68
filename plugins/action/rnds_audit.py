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

from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.action import ActionBase

from ansible_collections.esus.pec.plugins.module_utils._argspec import named, rnds_audit_spec
from ansible_collections.esus.pec.plugins.module_utils.host_probe import fact_text
from ansible_collections.esus.pec.plugins.module_utils.pkcs12 import HAS_CRYPTOGRAPHY, validate
from ansible_collections.esus.pec.plugins.plugin_utils.chaves_plan import audit_certificate_file, with_sids
from ansible_collections.esus.pec.plugins.plugin_utils.direct_probe import direct_probe, output_not_shown
from ansible_collections.esus.pec.plugins.plugin_utils.host_metrics import metrics_decision, metrics_plan
from ansible_collections.esus.pec.plugins.plugin_utils.hosts import platform_of
from ansible_collections.esus.pec.plugins.plugin_utils.local_fact import local_fact
from ansible_collections.esus.pec.plugins.plugin_utils.readiness import assess, check
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import SddlError, chaves_template

LINUX_FACT = "/etc/ansible/facts.d/esus_pec_rnds.fact"
WINDOWS_FACT = "C:\\ProgramData\\esus.pec\\facts.d\\esus_pec_rnds.json"
WINDOWS_PROBE = "esus.pec.win_pec_probe"
LINUX_PROBE = "esus.pec.pec_probe"


def probe_call(windows: bool, root: str, endpoints: list, args: dict, fact_path: str, principals: list) -> tuple:
    """(module, arguments) of the one read-only probe execution; checked against the module's spec in the tests."""
    endpoints = [{"host": e["host"], "port": int(e.get("port") or 443)} for e in endpoints]
    arguments = {"pec_root": root, "endpoints": endpoints, "timeout": args["network_timeout"], "fact_path": fact_path}
    if windows:
        return WINDOWS_PROBE, dict(arguments, principals=principals)
    return LINUX_PROBE, dict(arguments, read_certificate=True, pec_config=args["pec_config"])


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
        _validation, args = self.validate_argument_spec(argument_spec=rnds_audit_spec())
        host = task_vars.get("inventory_hostname", "?")
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
        if probe.get("failed"):
            return dict(result, failed=True, msg="host %s: could not look at PEC: %s" % (host, probe.get("msg")))
        encoded = probe.pop("certificate_b64", None)
        certificate_bytes = base64.b64decode(encoded) if encoded else None
        chaves = root + separator + "chaves"
        report, token = None, None
        _found, single = audit_certificate_file(probe)  # the one certificate, by the audit's own rule
        if certificate_bytes is not None and single:
            label = "host %s, file %s%s%s" % (host, chaves, separator, single["name"])
            report = validate(
                certificate_bytes,
                args["password"],
                label=label,
                min_days_valid=args["min_days_valid"],
                expected_cnpj=args["expected_cnpj"] or None,
                # the Java the host's PEC runs on (pec.config's jreVersion), unless the inventory names one
                java=args["java"] or (probe.get("pec") or {}).get("jre_version") or None,
            )
            if args["probe_token"] and report["valid"]:
                token = self._probe_token(certificate_bytes, args)
        del certificate_bytes
        seen = {key: probe.get(key) for key in ("pec", "chaves", "files", "network", "user", "sids")}
        if not args["check_network"]:
            seen["network"] = None
        expected = {
            "pec_root": root,
            "chaves": chaves,
            "owner": args["owner"],
            "group": args["group"],
            "dir_mode": args["dir_mode"],
            "windows": windows,
        }
        if windows:  # the descriptor chaves should have, with the SIDs the host resolved (as the deploy does)
            expected = with_sids(dict(expected, template=template, principals=principals), probe)
        readiness = assess(seen, report, expected, token)
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
        # absolute dates and codes: the same fact and metrics a week later on an unchanged host
        fact = local_fact(readiness) if args["persist_fact"] else None
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
