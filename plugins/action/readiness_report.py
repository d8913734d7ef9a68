# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""esus.pec.readiness_report: the fleet report, written on the controller (documentation lives with the module
stub). Whatever host the task is given to, nothing runs there: the report is built from the readiness the audit
returned (or from partial reports) by plugin_utils/report.py, with the collection's own page template.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping

from ansible.plugins.action import ActionBase

from ansible_collections.esus.pec.plugins.plugin_utils import report
from ansible_collections.esus.pec.plugins.plugin_utils._report_prom import PROM_NAME, to_prom
from ansible_collections.esus.pec.plugins.plugin_utils._report_unaudited import identity, named_groups, unaudited_code

ARGUMENT_SPEC = {
    "hosts": {"type": "list", "elements": "str"},
    "readiness": {"type": "dict", "default": {}},
    "audit_result": {"type": "str"},
    "groups": {"type": "list", "elements": "str", "default": []},
    "merge": {"type": "list", "elements": "path"},
    "dest": {"type": "path"},
    "generated": {"type": "str", "default": ""},
    "language": {"type": "str", "choices": list(report.LANGUAGES), "default": "pt-BR"},
    "history": {"type": "int", "default": 12},
    "template": {"type": "path"},
}


def write(path: str, content: str) -> None:
    """Replace ``path`` whole (a reader never sees half a file), keeping the mode of the file it replaces."""
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".esus-pec-report-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def read_template(path: str | None) -> tuple:
    """(template source, None) or (None, the message that says why it cannot be read)."""
    path = path or report.TEMPLATE
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(), None
    except (OSError, UnicodeDecodeError) as exc:
        return None, "template %s cannot be read (%s). Leave template out to use the page the collection ships." % (
            path,
            getattr(exc, "strerror", None) or exc,
        )


def audit_results(task_vars: dict, hosts: list, name: str) -> dict:
    """Host: its registered audit result (``name``), None where it has none. Read from the play's variables
    without templating them: at 5,570 hosts, templating the results into an argument and validating it cost ~30 s
    and ~500 MB (benchmarks/README.md). The registered results are the variable manager's per-host facts; where
    that store is not found (another ansible-core), each host's raw variables (HostVars.raw_get) give the same."""
    hostvars = task_vars.get("hostvars")
    store = getattr(getattr(hostvars, "_variable_manager", None), "_nonpersistent_fact_cache", None)
    found = {}
    for host in hosts:
        result = (store.get(host) or {}).get(name) if isinstance(store, Mapping) else None
        if result is None and hostvars is not None:
            raw = hostvars.raw_get(host)
            result = raw.get(name) if isinstance(raw, Mapping) else None
        found[host] = result if isinstance(result, Mapping) else None
    return found


def inventory_identity(task_vars: dict, host: str) -> dict:
    """municipality, ibge, uf of a host from its inventory (templated as the play would), '' where unset."""
    try:
        variables = task_vars["hostvars"][host]
    except Exception:  # no hostvars for this host: a row without identity, never a failed report
        return identity({})
    return identity(variables if isinstance(variables, Mapping) else {})


def rows_from_audit(args: dict, task_vars: dict) -> list:
    """One row per host: its readiness, or why it was not audited with who it is (from the inventory)."""
    hosts = list(dict.fromkeys(args["hosts"]))
    per_host_groups = named_groups(task_vars.get("groups") or {}, args["groups"])
    if args["audit_result"]:
        results = audit_results(task_vars, hosts, args["audit_result"])
    else:
        results = {host: {"rnds_readiness": args["readiness"][host]} for host in hosts if host in args["readiness"]}
    rows = []
    for host in hosts:
        result = results.get(host)
        readiness = result.get("rnds_readiness") if result else None
        if isinstance(readiness, Mapping):
            rows.append(report.record(host, readiness, args["generated"], inventory_groups=per_host_groups.get(host)))
            continue
        rows.append(
            report.record(
                host,
                None,
                args["generated"],
                cause=unaudited_code(result),
                inventory=inventory_identity(task_vars, host),
                inventory_groups=per_host_groups.get(host),
            )
        )
    return rows


def rows_and_parts(args: dict, task_vars: dict) -> tuple:
    """(rows, generated, merged_from) from the audit's readiness or from partial reports (ReportError)."""
    if not args["merge"]:
        return rows_from_audit(args, task_vars), args["generated"], []
    paths = report.expand_parts(args["merge"])
    parts = [report.load_report(path) for path in paths]
    rows, latest = report.merge(parts)
    merged_from = [
        {"path": path, "generated": part["generated"], "hosts": len(part["hosts"])} for path, part in zip(paths, parts)
    ]
    return rows, args["generated"] or latest, merged_from


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # not used
        _validation, args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            required_one_of=[("hosts", "merge")],
            mutually_exclusive=[("hosts", "merge")],
        )
        if args["history"] < 0:
            return dict(
                result,
                failed=True,
                msg="history must be 0 (keep no previous report) or more, not %d." % args["history"],
            )
        template, problem = read_template(args["template"])
        if problem:
            return dict(result, failed=True, msg=problem)
        try:
            rows, generated, merged_from = rows_and_parts(args, task_vars or {})
        except report.ReportError as exc:
            return dict(result, failed=True, msg="%s Nothing was written." % exc)
        dest = args["dest"] or report.default_dest(
            (task_vars or {}).get("ansible_inventory_sources") or [], os.path.expanduser("~")
        )
        files = [os.path.join(dest, name) for name in (report.JSON_NAME, report.CSV_NAME, report.HTML_NAME)]
        previous_path, previous = report.previous_report(dest)
        document = report.build(rows, generated, previous, args["language"], merged_from)
        prom = os.path.join(dest, PROM_NAME)  # fleet counts for Prometheus (issue 25), written with the report
        if previous_path == files[0] and all(os.path.isfile(p) for p in files) and report.unchanged(document, previous):
            said = {key: previous.get(key) or document[key] for key in ("groups", "expiring", "changes")}
            if not os.path.isfile(prom) and not self._task.check_mode:  # a report folder from before issue 25
                write(prom, to_prom(document))
            return dict(
                result, changed=False, summary=previous["summary"], dest=dest, files=files, archived=None, **said
            )
        try:
            page = report.to_html(document, template)
        except report.TEMPLATE_ERROR as exc:  # a broken template: its syntax or an undefined variable, named
            where = args["template"] or report.TEMPLATE
            return dict(
                result, failed=True, msg="template %s: %s (line %s)." % (where, exc, getattr(exc, "lineno", "?"))
            )
        archived = None
        if not self._task.check_mode:
            os.makedirs(dest, exist_ok=True)
            archived = report.archive(dest, args["history"])
            write(files[1], report.to_csv(document))
            write(files[2], page)
            write(prom, to_prom(document))
            write(files[0], report.to_json(document))  # last: a readiness.json means the other two are its own
        said = {key: document[key] for key in ("summary", "groups", "expiring", "changes")}
        return dict(result, changed=True, dest=dest, files=files, archived=archived, **said)
