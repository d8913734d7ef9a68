# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""meta/argument_specs.yml is each role's contract, linted like prometheus-community's lint_arguments_spec.

- defaults/main.yml and the spec agree: every default is declared, a literal default is the spec's default, a
  templated one leaves the spec without a default (its description says what it is), and an optional input
  without a default is a secret (the action's own default applies) or one the other role requires (a default
  here would satisfy that requirement when both roles run in one play: rnds_certificate_src);
- every role variable (rnds_certificate_*, rnds_readiness_*) that a task, default or template reads is declared;
- no ``| default(`` copies the default of a declared input;
- a variable both roles read has the same spec and default in both;
- the role's action task names each option's variable in ``option_names``, so messages name it.

Plain YAML and regular expressions over the role files: well under a second.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.support.collection import REPO

ROLES = ("rnds_certificate", "rnds_readiness")
ROLE_VARIABLE = re.compile(r"\b(?<!__)((?:rnds_certificate|rnds_readiness)_[a-z0-9_]+)\b")
DEFAULT_FILTER = re.compile(r"\b((?:rnds_certificate|rnds_readiness)_[a-z0-9_]+)\s*\|\s*default\(")
SPEC_KEYS = ("type", "elements", "choices", "no_log", "options")


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def contract(role: str) -> dict:
    """Everything the checks read of a role, as plain data (a planted defect is a changed copy)."""
    base = REPO / "roles" / role
    files = sorted((base / "tasks").glob("*.yml")) + sorted((base / "templates").glob("*"))
    return {
        "role": role,
        "spec": load(base / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"],
        "defaults": load(base / "defaults" / "main.yml") or {},
        "texts": {str(p.relative_to(base)): p.read_text(encoding="utf-8") for p in files},
        "defaults_text": (base / "defaults" / "main.yml").read_text(encoding="utf-8"),
        "tasks": {p.name: load(p) or [] for p in sorted((base / "tasks").glob("*.yml"))},
    }


def is_template(value) -> bool:
    """A value Ansible templates (anywhere inside it)."""
    return "{{" in str(value)


def without_descriptions(option):
    """What the option is, not how it is told: the roles word it for their own readers."""
    if isinstance(option, dict):
        return {key: without_descriptions(value) for key, value in option.items() if key != "description"}
    return option


def default_problems(c: dict, required_elsewhere: frozenset = frozenset()) -> list[str]:
    spec, defaults, problems = c["spec"], c["defaults"], []
    for name, value in defaults.items():
        if name not in spec:
            problems.append("%s: defaults/main.yml sets %s, which the spec does not declare" % (c["role"], name))
        elif is_template(value):
            if "default" in spec[name]:
                problems.append(
                    "%s: %s is templated in defaults/main.yml; its spec default says otherwise" % (c["role"], name)
                )
        elif spec[name].get("default") != value or "default" not in spec[name]:
            problems.append(
                "%s: %s defaults to %r in defaults/main.yml, %r in the spec"
                % (c["role"], name, value, spec[name].get("default"))
            )
    for name, option in spec.items():
        if name in defaults or option.get("required") is True:
            continue
        if option.get("no_log") is True and "default" not in option:
            continue  # a secret with no default: the action's own applies (see the role's defaults/main.yml)
        if name in required_elsewhere and "default" not in option:
            continue  # another role requires it: a default here would satisfy that role when both run in one play
        problems.append("%s: %s is optional but has no default in defaults/main.yml" % (c["role"], name))
    return problems


def registered(tasks: dict) -> set:
    """What the role's tasks register: results, not inputs."""
    found = set()
    for task_list in tasks.values():
        for task in task_list:
            for inner in task.get("block", [task]):
                if inner.get("register"):
                    found.add(inner["register"])
    return found


def undeclared(c: dict) -> list[str]:
    outputs = registered(c["tasks"])
    problems = []
    for where, text in [*c["texts"].items(), ("defaults/main.yml", c["defaults_text"])]:
        for name in sorted(set(ROLE_VARIABLE.findall(text)) - outputs):
            if name not in c["spec"]:
                problems.append("%s: %s reads %s, which the spec does not declare" % (c["role"], where, name))
    return problems


def duplicated_defaults(c: dict) -> list[str]:
    problems = []
    for where, text in [*c["texts"].items(), ("defaults/main.yml", c["defaults_text"])]:
        for name in sorted(set(DEFAULT_FILTER.findall(text))):
            if name in c["defaults"]:
                problems.append("%s: %s copies the default of %s with | default(" % (c["role"], where, name))
    return problems


def shared_problems(a: dict, b: dict) -> list[str]:
    problems = []
    for name in sorted(set(a["spec"]) & set(b["spec"])):
        left = {key: without_descriptions(a["spec"][name].get(key)) for key in SPEC_KEYS}
        right = {key: without_descriptions(b["spec"][name].get(key)) for key in SPEC_KEYS}
        if left != right:
            problems.append("%s: declared differently by %s and %s" % (name, a["role"], b["role"]))
        if a["defaults"].get(name) != b["defaults"].get(name) and name in a["defaults"] and name in b["defaults"]:
            problems.append("%s: defaults differ between %s and %s" % (name, a["role"], b["role"]))
        if (name in a["defaults"]) != (name in b["defaults"]):
            problems.append("%s: has a default in one role only" % name)
    return problems


# Options the actions read from the variable option_names names, raw, and template themselves: a password that
# looks like a Jinja template must fail with a message that quotes none of it (plugin_utils/input_names.py)
READ_BY_THE_ACTION = {"password"}


def naming_problems(c: dict) -> list[str]:
    """Each option of an esus.pec action task set from one role variable is named after it in option_names."""
    problems = []
    for task_list in c["tasks"].values():
        for task in task_list:
            module = next((key for key in task if key.startswith("esus.pec.")), None)
            arguments = task.get(module) if module else None
            if not isinstance(arguments, dict) or "option_names" not in arguments:
                continue
            names = arguments["option_names"]
            for option, value in arguments.items():
                read = set(ROLE_VARIABLE.findall(value)) if isinstance(value, str) else set()
                if option != "option_names" and len(read) == 1 and names.get(option) != next(iter(read)):
                    problems.append(
                        "%s: %s is set from %s but option_names says %r" % (module, option, *read, names.get(option))
                    )
            problems += [
                "%s: option_names names %s, which the task does not set" % (module, o)
                for o in set(names) - set(arguments) - READ_BY_THE_ACTION
            ]
    return problems


@pytest.fixture(scope="module")
def contracts() -> dict:
    return {role: contract(role) for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_defaults_and_spec_agree(contracts, role):
    others = [c for name, c in contracts.items() if name != role]
    required = frozenset(n for c in others for n, option in c["spec"].items() if option.get("required") is True)
    assert default_problems(contracts[role], required) == []


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_read_is_declared(contracts, role):
    assert undeclared(contracts[role]) == []


@pytest.mark.parametrize("role", ROLES)
def test_no_default_is_copied_with_a_default_filter(contracts, role):
    assert duplicated_defaults(contracts[role]) == []


def test_the_variables_both_roles_read_are_declared_alike(contracts):
    assert shared_problems(contracts["rnds_certificate"], contracts["rnds_readiness"]) == []
    shared = set(contracts["rnds_certificate"]["spec"]) & set(contracts["rnds_readiness"]["spec"])
    assert {"rnds_certificate_pec_root", "rnds_certificate_windows_extra_principals"} <= shared


@pytest.mark.parametrize("role", ROLES)
def test_messages_can_name_the_role_variables(contracts, role):
    assert naming_problems(contracts[role]) == []
    assert any("option_names" in str(task) for tasks in contracts[role]["tasks"].values() for task in tasks)


# - each check can fail -


def planted(c: dict, **changes) -> dict:
    return {**c, **changes}


def test_a_default_that_differs_from_the_spec_is_caught(contracts):
    c = contracts["rnds_certificate"]
    wrong = planted(c, defaults=dict(c["defaults"], rnds_certificate_backups=3, rnds_certificate_unknown=1))
    problems = default_problems(wrong)
    assert any("rnds_certificate_backups defaults to 3" in p for p in problems), problems
    assert any("sets rnds_certificate_unknown" in p for p in problems), problems
    missing = dict(c["defaults"])
    del missing["rnds_certificate_owner"]
    assert any(
        "rnds_certificate_owner is optional but has no default" in p
        for p in default_problems(planted(c, defaults=missing))
    )


def test_an_undeclared_variable_and_a_copied_default_are_caught(contracts):
    c = contracts["rnds_readiness"]
    text = "{{ rnds_certificate_file_mode }} {{ rnds_certificate_owner | default('root') }}"
    wrong = planted(c, texts=dict(c["texts"], **{"tasks/planted.yml": text}))
    assert undeclared(wrong) == [
        "rnds_readiness: tasks/planted.yml reads rnds_certificate_file_mode, which the spec does not declare"
    ]
    assert duplicated_defaults(wrong) == [
        "rnds_readiness: tasks/planted.yml copies the default of rnds_certificate_owner with | default("
    ]


def test_roles_that_disagree_are_caught(contracts):
    a, b = contracts["rnds_certificate"], contracts["rnds_readiness"]
    wrong = planted(b, defaults=dict(b["defaults"], rnds_certificate_dir_mode="0700"))
    assert shared_problems(a, wrong) == [
        "rnds_certificate_dir_mode: defaults differ between rnds_certificate and rnds_readiness"
    ]
    spec = dict(
        b["spec"], rnds_certificate_min_days_valid=dict(b["spec"]["rnds_certificate_min_days_valid"], type="str")
    )
    assert shared_problems(a, planted(b, spec=spec)) == [
        "rnds_certificate_min_days_valid: declared differently by rnds_certificate and rnds_readiness"
    ]


def test_a_task_that_does_not_name_its_variables_is_caught(contracts):
    c = contracts["rnds_certificate"]
    (task,) = c["tasks"]["main.yml"]
    arguments = dict(task["esus.pec.certificate_deploy"])
    arguments["option_names"] = {k: v for k, v in arguments["option_names"].items() if k != "pec_root"}
    arguments["option_names"]["staged"] = "x"
    wrong = planted(c, tasks={"main.yml": [dict(task, **{"esus.pec.certificate_deploy": arguments})]})
    assert sorted(naming_problems(wrong)) == [
        "esus.pec.certificate_deploy: option_names names staged, which the task does not set",
        "esus.pec.certificate_deploy: pec_root is set from rnds_certificate_pec_root but option_names says None",
    ]
