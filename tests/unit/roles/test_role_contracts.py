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
- the role's action task reads each option from a role variable through ``option_names`` (the action reads and
  templates it: plugin_utils/input_names.py ``read_options``); a name there that is not an option of the action
  would be ignored without a word, so it is a problem here.

Plain YAML and regular expressions over the role files: well under a second.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.esus.pec.plugins.module_utils._argspec import certificate_deploy_spec, rnds_audit_spec
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


# The actions' argument specs: an option_names key that is not among them is ignored by read_options
SPECS = {"esus.pec.certificate_deploy": certificate_deploy_spec, "esus.pec.rnds_audit": rnds_audit_spec}
# Options a role does not read from a variable: set by the task itself, or left to the action's default
NOT_FROM_A_VARIABLE = {
    "esus.pec.certificate_deploy": {"option_names", "pec_config"},
    "esus.pec.rnds_audit": {"option_names", "record", "add_to_group", "token_timeout"},
}


def action_tasks(tasks):
    """Every task of a task list, blocks (block, rescue, always) opened."""
    for task in tasks:
        yield task
        for part in ("block", "rescue", "always"):
            yield from action_tasks(task.get(part) or [])


def naming_problems(c: dict, declared: frozenset) -> list[str]:
    """Each option of an esus.pec action task is set by the task or read from the role variable option_names
    names; each option_names key is an option of the action and each value a declared variable."""
    problems = []
    for task_list in c["tasks"].values():
        for task in action_tasks(task_list):
            module = next((key for key in task if key in SPECS), None)
            if not module:
                continue
            arguments = task[module] or {}
            names = arguments.get("option_names") or {}
            spec = SPECS[module]()
            problems += [
                "%s: option_names names %s, not an option of the action" % (module, o) for o in names if o not in spec
            ]
            problems += [
                "%s: option_names reads %s from %s, which no role declares" % (module, o, v)
                for o, v in names.items()
                if v not in declared
            ]
            for option, value in arguments.items():
                read = set(ROLE_VARIABLE.findall(value)) if isinstance(value, str) else set()
                if option != "option_names" and len(read) == 1 and names.get(option) not in (None, *read):
                    problems.append(
                        "%s: %s is set from %s but option_names says %r" % (module, option, *read, names.get(option))
                    )
            problems += [
                "%s: %s is neither set by the task nor read from a variable" % (module, o)
                for o in sorted(set(spec) - set(arguments) - set(names) - NOT_FROM_A_VARIABLE[module])
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


def declared_variables(contracts) -> frozenset:
    return frozenset(name for c in contracts.values() for name in c["spec"])


@pytest.mark.parametrize("role", ROLES)
def test_each_option_is_read_from_a_role_variable(contracts, role):
    assert naming_problems(contracts[role], declared_variables(contracts)) == []
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
    arguments["option_names"]["staged"] = "rnds_certificate_backups"
    arguments["option_names"]["owner"] = "rnds_certificate_ownr"
    arguments["dir_mode"] = "{{ rnds_certificate_file_mode }}"
    wrong = planted(c, tasks={"main.yml": [dict(task, **{"esus.pec.certificate_deploy": arguments})]})
    assert sorted(naming_problems(wrong, declared_variables(contracts))) == [
        "esus.pec.certificate_deploy: dir_mode is set from rnds_certificate_file_mode but option_names says "
        "'rnds_certificate_dir_mode'",
        "esus.pec.certificate_deploy: option_names names staged, not an option of the action",
        "esus.pec.certificate_deploy: option_names reads owner from rnds_certificate_ownr, which no role declares",
        "esus.pec.certificate_deploy: pec_root is neither set by the task nor read from a variable",
    ]
    # the audit's task sits in a block: it is checked too
    r = contracts["rnds_readiness"]
    audit = r["tasks"]["audit.yml"]
    broken = json.loads(
        json.dumps(audit).replace(
            '"check_network": "rnds_readiness_check_network"', '"check_netwrk": "rnds_readiness_check_network"'
        )
    )
    assert sorted(naming_problems(planted(r, tasks={"audit.yml": broken}), declared_variables(contracts))) == [
        "esus.pec.rnds_audit: check_network is neither set by the task nor read from a variable",
        "esus.pec.rnds_audit: option_names names check_netwrk, not an option of the action",
    ]
