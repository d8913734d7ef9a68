# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check module arguments against the module's real argument spec, as ``ansible-doc -j`` gives it."""

from __future__ import annotations

import functools
import json
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
    return {name: doc["doc"]["options"] for name, doc in json.loads(output).items()}


def argument_problems(module: str, arguments: dict, options: dict) -> list:
    """Unknown options, missing required ones, values outside the choices, non-booleans for booleans."""
    problems = []
    accepted = {alias: key for key, spec in options.items() for alias in [key, *spec.get("aliases", [])]}
    for key, value in arguments.items():
        if key not in accepted:
            problems.append("%s does not accept option %r" % (module, key))
            continue
        spec = options[accepted[key]]
        if spec.get("type") == "bool" and value not in BOOLEAN_WORDS:
            problems.append("%s=%r is not a boolean" % (key, value))
        choices = spec.get("choices")
        if choices and value is not None:
            if isinstance(value, list):
                values = value
            elif "," in str(value):  # flags such as win_acl's inherit take "A, B"
                values = [part.strip() for part in str(value).split(",")]
            else:
                values = [value]
            problems += ["%s=%r not in %s" % (key, v, choices) for v in values if v not in choices]
    for key, spec in options.items():
        if spec.get("required") and key not in arguments:
            problems.append("%s requires option %r" % (module, key))
    return problems
