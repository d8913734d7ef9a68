# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every task argument of the rnds_certificate role, rendered, against the action's real argument spec.

The role is one task for Linux and Windows hosts alike (esus.pec.certificate_deploy picks the host module).
Its options are rendered with the role's own defaults and vars for a Windows host (psrp) and a Linux host,
then checked against ``ansible-doc -j`` (what users read) and against the argument spec the action really
validates: unknown options, missing required ones, values outside the choices and non-booleans all fail.
What the action then sends to the Windows module is checked in tests/unit/plugins/test_windows_path.py;
Molecule runs the Linux path for real, molecule/windows the Windows one on a real host.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

try:  # ansible-core 2.19 and later: a value that resolves to omit raises, and only trusted text is templated
    from ansible.errors import AnsibleValueOmittedError
except ImportError:  # 2.17 and 2.18: omit is a placeholder string that the task executor removes from the args
    AnsibleValueOmittedError = None
    from ansible.executor.task_executor import remove_omit

from ansible_collections.esus.pec.plugins.module_utils._argspec import certificate_deploy_spec
from ansible_collections.esus.pec.plugins.plugin_utils.input_names import read_options
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
OMIT = "__omit_place_holder__esus_pec_test"  # what the variable manager gives omit before 2.19 (a random token there)


def loader() -> DataLoader:
    return DataLoader()


def load(path: Path):
    """A role file, trusted as templates as Ansible trusts a role's own files (2.19 and later ask for it)."""
    if AnsibleValueOmittedError is None:
        return loader().load_from_file(str(path))
    return loader().load_from_file(str(path), trusted_as_template=True)


def tasks(filename: str) -> list[dict]:
    """The file's tasks, those inside blocks included."""
    flat = []
    for task in load(ROLE / "tasks" / filename):
        flat.extend(task.get("block", [task]))
    return flat


def module_of(task: dict) -> str:
    modules = [key for key in task if key not in KEYWORDS]
    assert len(modules) == 1, "task %r: expected one module, found %s" % (task.get("name"), modules)
    return modules[0]


def role_variables(windows: bool) -> dict:
    variables = {}
    variables.update(load(ROLE / "defaults" / "main.yml"))
    if AnsibleValueOmittedError is None:
        variables["omit"] = OMIT
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
            yield task["name"], module, render(templar, arguments, module)


def render(templar: Templar, arguments: dict, module: str = "esus.pec.certificate_deploy") -> dict:
    """Template each argument the way Ansible does, dropping those that resolve to omit, then add what the action
    reads from the variables option_names names (plugin_utils/input_names.py read_options, the action's own code)."""
    if AnsibleValueOmittedError is None:
        rendered = remove_omit(templar.template(arguments), OMIT)
    else:
        rendered = {}
        for key, value in arguments.items():
            try:
                rendered[key] = templar.template(value)
            except AnsibleValueOmittedError:
                continue
    if module != "esus.pec.certificate_deploy":
        return rendered
    read, problem = read_options(templar, templar.available_variables, rendered, certificate_deploy_spec())
    assert problem is None, problem
    return read


def check_arguments(filename: str, windows: bool) -> list[str]:
    problems = []
    rendered = list(rendered_tasks(filename, windows))
    documented = specs(tuple(sorted({module for _name, module, _args in rendered} - FREE_FORM)))
    for name, module, arguments in rendered:
        if module not in FREE_FORM:
            problems += ["%s: %s" % (name, p) for p in argument_problems(module, arguments, documented[module])]
    return problems


@pytest.mark.parametrize("windows", [True, False])
def test_the_task_matches_the_documented_and_the_real_argument_spec(windows):
    assert check_arguments("main.yml", windows=windows) == []
    real = certificate_deploy_spec()
    for _name, module, arguments in rendered_tasks("main.yml", windows):
        if module == "esus.pec.certificate_deploy":
            assert argument_problems(module, arguments, real) == []


def test_one_task_deploys_on_linux_and_windows_alike():
    """No include per platform, and no second read of the source after its validation."""
    modules = [module_of(task) for task in tasks("main.yml")]
    assert modules == ["esus.pec.certificate_deploy"]


@pytest.mark.parametrize("windows", [True, False])
def test_the_extra_principals_reach_the_action(windows):
    deploy = next(args for _n, module, args in rendered_tasks("main.yml", windows) if module.endswith("deploy"))
    assert deploy["windows_principals"] == [{"user": "NT SERVICE\\e-SUS-PEC", "rights": "Modify"}]
    # empty: left unset, the host's platform default, which the action picks (test_destination_paths)
    assert "pec_root" not in deploy and deploy["option_names"]["pec_root"] == "rnds_certificate_pec_root"


@pytest.mark.parametrize("windows", [True, False])
@pytest.mark.parametrize("removed", [True, False])
def test_the_warning_names_the_other_files_by_their_names(windows, removed):
    """The deploy task itself warns (no task of its own, which would cost every host a worker)."""
    from ansible_collections.esus.pec.plugins.action.certificate_deploy import others_warning

    if windows:
        dest, others = "C:\\x\\chaves\\3550308.pfx", ["C:\\x\\chaves\\Antigo.PFX", "C:\\x\\chaves\\b.p12"]
    else:
        dest, others = "/x/chaves/3550308.pfx", ["/x/chaves/antigo.pfx", "/x/chaves/b.p12"]
    chaves = "C:\\x\\chaves" if windows else "/x/chaves"
    listed = "Antigo.PFX, b.p12" if windows else "antigo.pfx, b.p12"
    # called directly, the warning names the action's option; through the role, the role's variable too
    for names, option in (
        (None, "remove_others"),
        ({"remove_others": "rnds_certificate_remove_others"}, "remove_others (rnds_certificate_remove_others)"),
    ):
        text = others_warning("pec-1", dest, others, removed, names)
        assert text.startswith("host pec-1: %s also holds %s. PEC uses one certificate" % (chaves, listed))
        assert "select 3550308.pfx there." in text
        assert ("They were removed, as %s asked." % option in text) is removed
        assert ("Set %s: true to remove them." % option in text) is not removed
        assert ("rnds_certificate_remove_others" in text) is (names is not None)


@pytest.mark.parametrize(
    "windows, root",
    [(True, "C:\\Program Files\\e-SUS\\webserver"), (False, "/opt/e-SUS/webserver")],
)
def test_destination_paths(tmp_path, pki, windows, root):
    """With the role's defaults, the host module is told PEC's folder for the host's platform and the file's name;
    the host modules put it in <root>/chaves/<name> (tests/integration/test_certificate_deploy.py, molecule)."""
    from ansible.parsing.vault import VaultLib, VaultSecret

    from ansible_collections.esus.pec.plugins.action.certificate_deploy import ActionModule
    from tests.support.windows_host import run_action

    secret = VaultSecret(b"vault-password-for-tests")
    key, cert = pki.leaf(key=pki.key("ec"))
    pfx = pki.pfx("3550308.pfx", key, cert, "not-used-here")
    source = tmp_path / "3550308.pfx.vault"
    source.write_bytes(VaultLib([("default", secret)]).encrypt(pfx.read_bytes()))
    variables = dict(role_variables(windows), rnds_certificate_src=str(source))
    templar = Templar(loader=loader(), variables=variables)
    (task,) = tasks("main.yml")
    arguments = render(templar, task["esus.pec.certificate_deploy"])
    vault_loader = loader()
    vault_loader.set_vault_secrets([("default", secret)])

    def answer(_module, sent):  # the host part's look: PEC installed, no chaves yet, the principals resolved
        sids = {name: "S-1-5-80-%d" % index for index, name in enumerate(sent.get("principals") or [], 1)}
        return {"changed": False, "observed": {"pec": {"installed": True}, "chaves": {"exists": False}, "sids": sids}}

    shell = "powershell" if windows else "sh"
    result, host = run_action(
        ActionModule, arguments, answer, shell=shell, check_mode=True, loader=vault_loader, task_vars=variables
    )
    assert not result.get("failed"), result.get("msg")
    assert result["codes"] == ["chaves.create", "certificate_file.install"]
    module, sent = host.calls[-1]
    assert module == ("esus.pec.win_chaves_certificate" if windows else "esus.pec.chaves_certificate")
    assert (sent["pec_root"], sent["dest_name"]) == (root, "3550308.pfx")


def test_a_wrong_option_would_be_caught(monkeypatch):
    """The checker itself must be able to fail: feed it a task with a misspelt option and a wrong boolean."""
    broken = tasks("main.yml")
    deploy = next(task for task in broken if "esus.pec.certificate_deploy" in task)
    deploy["esus.pec.certificate_deploy"]["remove_other"] = True
    deploy["esus.pec.certificate_deploy"]["create_pec_root"] = "sometimes"
    monkeypatch.setattr(sys.modules[__name__], "tasks", lambda filename: broken)
    problems = check_arguments("main.yml", windows=True)
    assert any("remove_other" in problem for problem in problems)
    assert any("sometimes" in problem for problem in problems)


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
    for path in ("tasks/main.yml", "meta/argument_specs.yml", "README.md"):
        assert (ROLE / path).is_file(), path
    assert Path(REPO / "playbooks" / "deploy.yml").is_file()
