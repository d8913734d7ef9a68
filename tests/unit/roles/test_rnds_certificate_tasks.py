# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every task argument of the rnds_certificate role, rendered, against the module's real argument spec.

There is no Windows host and no PowerShell on these machines, so the Windows task file cannot run here
(molecule/windows runs it against a real host). This is as far as it can honestly be proven without one:
each task's options are rendered with the role's own defaults and vars for a Windows host (psrp) and a
Linux host, then checked against ``ansible-doc -j`` of the module that would run them (ansible.windows.*
from the installed ``ansible`` bundle): unknown options, missing required ones, values outside the
documented choices and non-boolean values for boolean options all fail. ansible-lint does not catch these.
The Linux task file gets the same treatment, and Molecule runs it for real.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleValueOmittedError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

from tests.support.argspec import argument_problems, specs
from tests.support.collection import REPO

ROLE = REPO / "roles" / "rnds_certificate"
KEYWORDS = {
    "name",
    "register",
    "when",
    "loop",
    "loop_control",
    "vars",
    "check_mode",
    "diff",
    "failed_when",
    "changed_when",
    "no_log",
    "tags",
    "become",
    "delegate_to",
    "ignore_errors",
    "notify",
    "environment",
}
FREE_FORM = {"ansible.builtin.set_fact", "ansible.builtin.include_tasks", "ansible.builtin.import_tasks"}


def loader() -> DataLoader:
    return DataLoader()


def tasks(filename: str) -> list[dict]:
    """The file's tasks, those inside blocks included."""
    flat = []
    for task in loader().load_from_file(str(ROLE / "tasks" / filename), trusted_as_template=True):
        flat.extend(task.get("block", [task]))
    return flat


def module_of(task: dict) -> str:
    modules = [key for key in task if key not in KEYWORDS]
    assert len(modules) == 1, "task %r: expected one module, found %s" % (task.get("name"), modules)
    return modules[0]


def role_variables(windows: bool) -> dict:
    data = loader()
    variables = {}
    for part in ("defaults", "vars"):
        variables.update(data.load_from_file(str(ROLE / part / "main.yml"), trusted_as_template=True))
    variables.update(
        inventory_hostname="pec-3550308",
        ansible_connection="psrp" if windows else "ssh",
        ansible_check_mode=False,
        rnds_certificate_src="files/3550308.pfx.vault",
        rnds_certificate_password="not-used-here",
        rnds_certificate_ibge_code="3550308",
        rnds_certificate_windows_extra_principals=[{"user": "NT SERVICE\\e-SUS-PEC", "rights": "Modify"}],
        rnds_certificate_result={
            "src": "/inventario/files/3550308.pfx.vault",
            "checksum": "0" * 40,
            "valid": True,
            "verdict": "ok",
            "src_vaulted": True,
            "msg": "ok",
            "others": ["/x/antigo.pfx"],
        },
        __rnds_certificate_found={"files": [{"path": "C:\\x\\chaves\\antigo.pfx" if windows else "/x/antigo.pfx"}]},
        __rnds_certificate_others=["C:\\x\\chaves\\antigo.pfx" if windows else "/x/antigo.pfx"],
        __rnds_certificate_pec={"stat": {"isdir": True}},
        __rnds_certificate_deployed={"stat": {"exists": True, "checksum": "0" * 40}},
    )
    return variables


def rendered_tasks(filename: str, windows: bool):
    """(task name, module, rendered arguments) for every loop item of every task of the file."""
    variables = role_variables(windows)
    for task in tasks(filename):
        module = module_of(task)
        if module in FREE_FORM:
            continue
        templar = Templar(loader=loader(), variables=variables)
        items = templar.template(task["loop"]) if "loop" in task else [None]
        for item in items:
            templar = Templar(loader=loader(), variables=dict(variables, item=item))
            arguments = task[module] if isinstance(task[module], dict) else {}
            yield task["name"], module, render(templar, arguments)


def render(templar: Templar, arguments: dict) -> dict:
    """Template each argument the way Ansible does, dropping those that resolve to omit."""
    rendered = {}
    for key, value in arguments.items():
        try:
            rendered[key] = templar.template(value)
        except AnsibleValueOmittedError:
            continue
    return rendered


def check_arguments(filename: str, windows: bool) -> list[str]:
    problems = []
    rendered = list(rendered_tasks(filename, windows))
    documented = specs(tuple(sorted({module for _name, module, _args in rendered} - FREE_FORM)))
    for name, module, arguments in rendered:
        if module not in FREE_FORM:
            problems += ["%s: %s" % (name, p) for p in argument_problems(module, arguments, documented[module])]
    return problems


def test_windows_tasks_match_ansible_windows_argument_specs():
    modules = {module_of(task) for task in tasks("windows.yml")}
    assert {
        "ansible.windows.win_acl",
        "ansible.windows.win_copy",
        "ansible.windows.win_acl_inheritance",
        "ansible.windows.win_owner",
    } <= modules
    assert check_arguments("windows.yml", windows=True) == []


def test_linux_tasks_match_argument_specs():
    assert check_arguments("linux.yml", windows=False) == []


def test_main_tasks_send_each_host_to_its_own_task_file():
    included = [(task["ansible.builtin.include_tasks"], task["when"]) for task in tasks("main.yml")]
    assert included == [
        ("linux.yml", "not (__rnds_certificate_windows | bool)"),
        ("windows.yml", "__rnds_certificate_windows | bool"),
    ]


def test_linux_deploys_in_one_task_that_validates_what_it_sends():
    """No second read of the source after its validation (the swap-in-between test shows why)."""
    modules = [module_of(task) for task in tasks("linux.yml")]
    assert modules == ["esus.pec.certificate_deploy", "ansible.builtin.debug"]


@pytest.mark.parametrize(
    "windows, dest",
    [
        (True, "C:\\Program Files\\e-SUS\\webserver\\chaves\\3550308.pfx"),
        (False, "/opt/e-SUS/webserver/chaves/3550308.pfx"),
    ],
)
def test_destination_paths(windows, dest):
    variables = role_variables(windows)
    assert Templar(loader=loader(), variables=variables).template(variables["__rnds_certificate_dest"]) == dest


def test_windows_acl_gives_full_control_to_system_administrators_and_extra_principals_only():
    acl = [
        args
        for name, module, args in rendered_tasks("windows.yml", windows=True)
        if module == "ansible.windows.win_acl"
    ]
    assert [(a["user"], a["rights"], a["type"]) for a in acl] == [
        ("S-1-5-18", "FullControl", "allow"),
        ("S-1-5-32-544", "FullControl", "allow"),
        ("NT SERVICE\\e-SUS-PEC", "Modify", "allow"),
    ]
    inheritance = [
        args
        for name, module, args in rendered_tasks("windows.yml", windows=True)
        if module == "ansible.windows.win_acl_inheritance"
    ]
    assert inheritance == [
        {"path": "C:\\Program Files\\e-SUS\\webserver\\chaves", "state": "absent", "reorganize": False}
    ]


def test_a_wrong_option_would_be_caught(monkeypatch):
    """The checker itself must be able to fail: feed it a task with a misspelt option."""
    broken = tasks("windows.yml")
    stat_task = next(task for task in broken if "ansible.windows.win_stat" in task)
    stat_task["ansible.windows.win_stat"]["get_checksums"] = False
    monkeypatch.setattr(sys.modules[__name__], "tasks", lambda filename: broken)
    problems = check_arguments("windows.yml", windows=True)
    assert any("get_checksums" in problem for problem in problems)


def test_argument_specs_document_every_default():
    specs_file = loader().load_from_file(str(ROLE / "meta" / "argument_specs.yml"))
    options = specs_file["argument_specs"]["main"]["options"]
    defaults = loader().load_from_file(str(ROLE / "defaults" / "main.yml"))
    assert set(defaults) <= set(options)
    assert all(name.startswith("rnds_certificate_") for name in options)
    readme = (ROLE / "README.md").read_text()
    missing = [name for name in options if "`%s`" % name not in readme]
    assert missing == [], "options missing from roles/rnds_certificate/README.md: %s" % missing


def test_readiness_argument_specs_are_documented():
    role = REPO / "roles" / "rnds_readiness"
    options = loader().load_from_file(str(role / "meta" / "argument_specs.yml"))["argument_specs"]["main"]["options"]
    defaults = loader().load_from_file(str(role / "defaults" / "main.yml"))
    assert set(defaults) <= set(options)
    readme = (role / "README.md").read_text()
    assert [name for name in options if "`%s`" % name not in readme] == []


def test_role_files_exist():
    for path in ("tasks/linux.yml", "tasks/windows.yml", "meta/argument_specs.yml", "README.md"):
        assert (ROLE / path).is_file(), path
    assert Path(REPO / "playbooks" / "deploy.yml").is_file()
