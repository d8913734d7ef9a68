# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check module arguments against the module's real argument spec, as ``ansible-doc -j`` gives it."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys

from tests.support.collection import ansible_env

BOOLEAN_WORDS = {True, False, "yes", "no", "true", "false", "True", "False"}


@functools.lru_cache(maxsize=None)
def specs(modules: tuple) -> dict:
    """module name -> its documented options, for all the modules at once (one ansible-doc call)."""
    if not modules:
        return {}
    output = subprocess.run(
        [sys.executable, "-m", "ansible.cli.doc", "-j", *modules],
        env=ansible_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {name: doc["doc"].get("options", {}) for name, doc in json.loads(output).items()}


def argument_problems(
    module: str, arguments: dict, options: dict, *, strict: bool = False, ignore_case: bool = False
) -> list:
    """Unknown options, missing required ones, values outside the choices, non-booleans for booleans.

    ``options`` is ``ansible-doc -j``'s options of the module, or ``module_spec(...)["options"]`` of a PowerShell
    module (tests/support/powershell.py): only a ``required`` that is really ``True`` and ``choices`` and
    ``aliases`` that are lists count (the .ps1 reader gives ``"<dynamic: ...>"`` for what it cannot evaluate).
    A required option given through one of its aliases is present.

    ``strict`` also checks the type of each value (int, float, list, dict, str, path and the list's
    ``elements``) the way the module would fail to convert it, and the sub-options of dict options and of
    lists of dicts, recursively. ``ignore_case`` matches option names and choices case-insensitively, as a
    PowerShell module does (Ansible.Basic and Legacy alike).
    """
    fold = str.lower if ignore_case else str
    problems = []
    accepted = {
        fold(alias): key
        for key, spec in options.items()
        for alias in [key, *_as_list(spec.get("aliases"))]
        if isinstance(alias, str)
    }
    given = {fold(key) for key in arguments}
    for key, value in arguments.items():
        if fold(key) not in accepted:
            problems.append("%s does not accept option %r" % (module, key))
            continue
        name = accepted[fold(key)]
        spec = options[name]
        if spec.get("type") == "bool" and value not in BOOLEAN_WORDS:
            problems.append("%s=%r is not a boolean" % (key, value))
        choices = spec.get("choices")
        if isinstance(choices, list) and choices and value is not None:
            if isinstance(value, list):
                values = value
            elif "," in str(value):  # flags such as win_acl's inherit take "A, B"
                values = [part.strip() for part in str(value).split(",")]
            else:
                values = [value]
            folded = {fold(c) if isinstance(c, str) else c for c in choices}
            problems += [
                "%s=%r not in %s" % (key, v, choices)
                for v in values
                if (fold(v) if isinstance(v, str) else v) not in folded
            ]
        if strict and value is not None:
            problems += _type_problems(module, key, value, spec, ignore_case)
    for key, spec in options.items():
        names = [key, *_as_list(spec.get("aliases"))]
        if spec.get("required") is True and not any(isinstance(n, str) and fold(n) in given for n in names):
            problems.append("%s requires option %r" % (module, key))
    return problems


def _as_list(value) -> list:
    return value if isinstance(value, list) else []


def _type_ok(value, kind) -> bool:
    """Whether the module can convert the value to the type (Ansible.Basic and AnsibleModule agree on these)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int":
        if isinstance(value, str):
            return re.fullmatch(r"\s*[-+]?\d+\s*", value) is not None
        return number and float(value).is_integer()
    if kind == "float":
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return False
            return True
        return number
    if kind == "bool":
        return value in BOOLEAN_WORDS
    if kind == "list":
        return not isinstance(value, dict)
    if kind == "dict":
        return isinstance(value, dict) or (isinstance(value, str) and (value.strip().startswith("{") or "=" in value))
    if kind in ("str", "path"):
        return not isinstance(value, (dict, list))
    return True  # raw, json, sid, a delegate or no type: anything goes


def _type_problems(module: str, key: str, value, spec: dict, ignore_case: bool) -> list:
    kind = spec.get("type")
    problems = []
    if kind != "bool" and not _type_ok(value, kind):  # booleans are checked for everyone above
        problems.append("%s=%r is not of type %s" % (key, value, kind))
        return problems
    elements = spec.get("elements")
    items = value if kind == "list" and isinstance(value, list) else None
    if items is not None and elements:
        problems += [
            "%s[%d]=%r is not of type %s" % (key, i, item, elements)
            for i, item in enumerate(items)
            if item is not None and not _type_ok(item, elements)
        ]
    suboptions = spec.get("suboptions")
    if isinstance(suboptions, dict):
        if kind == "dict" and isinstance(value, dict):
            nested = [(key, value)]
        elif items is not None and elements == "dict":
            nested = [("%s[%d]" % (key, i), item) for i, item in enumerate(items) if isinstance(item, dict)]
        else:
            nested = []
        for where, item in nested:
            problems += [
                "%s: %s" % (where, p)
                for p in argument_problems(module, item, suboptions, strict=True, ignore_case=ignore_case)
            ]
    return problems
