# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The EXAMPLES of every module, as users copy them: linted, syntax-checked, and the report's first one run.

Each module's EXAMPLES (plugins/modules/*.py, the doc stubs of the .ps1 modules included) becomes the tasks
of a playbook (``hosts: all``, ``gather_facts: false``), kept as text so comments and layout are checked too.
All the playbooks go through ``ansible-lint`` with the repository's configuration (production profile) and
each through ``ansible-playbook --syntax-check``; a problem fails the test of that module, naming it. The
checker is also fed broken examples, to show it fails. The first example of esus.pec.readiness_report is
then run as written after a real esus.pec.rnds_audit of a tiny sandbox fleet (one with no host ready, where
``groups['rnds_ready']`` does not exist, and one with a ready host).
"""

from __future__ import annotations

import ast
import getpass
import grp
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tests.support.collection import REPO, ansible_env

MODULES = sorted(path for path in (REPO / "plugins" / "modules").glob("*.py") if path.name != "__init__.py")
LINT_CONFIG = REPO / ".config" / "ansible-lint.yml"


def examples_of(module: Path) -> str:
    """The module's EXAMPLES string, read without importing the module."""
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            return node.value.value
    raise AssertionError("%s has no EXAMPLES" % module.name)


def playbook_text(name: str, examples: str) -> str:
    """A one-play playbook whose tasks are the examples, as written (indented under tasks:)."""
    tasks = textwrap.indent(textwrap.dedent(examples).strip("\n") + "\n", "    ")
    return "---\n- name: EXAMPLES of esus.pec.%s\n  hosts: all\n  gather_facts: false\n  tasks:\n%s" % (name, tasks)


def example_problems(modules: list[Path], folder: Path) -> dict[str, list[str]]:
    """Module name -> its examples' problems (ansible-lint, production profile; ansible-playbook --syntax-check)."""
    folder.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    playbooks = {}
    for module in modules:
        name = module.stem
        problems[name] = []
        try:
            examples = examples_of(module)
        except AssertionError as exc:
            problems[name].append(str(exc))
            continue
        playbooks[name] = folder / ("%s.yml" % name)
        playbooks[name].write_text(playbook_text(name, examples), encoding="utf-8")
    env = ansible_env()
    for name, playbook in playbooks.items():
        checked = subprocess.run(
            ["ansible-playbook", "--syntax-check", "-i", "localhost,", playbook.name],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if checked.returncode != 0:
            problems[name].append(
                "esus.pec.%s EXAMPLES: ansible-playbook --syntax-check failed:\n%s%s"
                % (name, checked.stdout[-2000:], checked.stderr[-2000:])
            )
    if playbooks:
        lint = subprocess.run(
            [
                "ansible-lint",
                "--offline",
                "--nocolor",
                "-c",
                str(LINT_CONFIG),
                "--profile",
                "production",
                "-f",
                "codeclimate",
                *sorted(p.name for p in playbooks.values()),
            ],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            issues = json.loads(lint.stdout or "[]")
        except json.JSONDecodeError:
            issues = None
        if issues is None or (lint.returncode != 0 and not issues):
            for name in playbooks:
                problems[name].append(
                    "esus.pec.%s EXAMPLES: ansible-lint failed (exit %d):\n%s%s"
                    % (name, lint.returncode, lint.stdout[-2000:], lint.stderr[-2000:])
                )
        for issue in issues or []:
            where = issue.get("location", {})
            name = Path(where.get("path", "?")).stem
            line = (where.get("lines") or {}).get("begin") or (where.get("positions") or {}).get("begin", {}).get(
                "line"
            )
            problems.setdefault(name, []).append(
                "esus.pec.%s EXAMPLES, line %s of the playbook: %s (%s)"
                % (name, line, issue.get("description"), issue.get("check_name"))
            )
    return problems


@pytest.fixture(scope="module")
def problems(tmp_path_factory) -> dict[str, list[str]]:
    """One ansible-lint run over every module's examples playbook, one syntax check each."""
    return example_problems(MODULES, tmp_path_factory.mktemp("examples"))


def test_every_module_has_examples():
    assert len(MODULES) >= 8
    assert all(examples_of(module).strip() for module in MODULES)


@pytest.mark.parametrize("module", [m.stem for m in MODULES])
def test_examples_pass_ansible_lint_and_syntax_check(problems, module):
    assert problems[module] == [], "\n".join(problems[module])


def test_nothing_is_reported_for_a_file_that_is_not_an_example(problems):
    assert set(problems) == {m.stem for m in MODULES}


def test_the_checker_fails_on_broken_examples(tmp_path):
    """Broken examples, in fake modules: lint problems and a syntax error, each reported under its module."""
    modules = tmp_path / "plugins" / "modules"
    modules.mkdir(parents=True)
    (modules / "broken_lint.py").write_text(
        'EXAMPLES = r"""\n- debug: msg=hello\n\n- name: read the vault\n  esus.pec.pkcs12_validate:\n'
        '    src: "files/x.pfx"\n"""\n'
    )
    (modules / "broken_syntax.py").write_text(
        'EXAMPLES = r"""\n- name: Two modules in one task\n  ansible.builtin.debug:\n    msg: one\n'
        '  ansible.builtin.ping:\n"""\n'
    )
    (modules / "fine.py").write_text('EXAMPLES = r"""\n- name: Say hello\n  ansible.builtin.debug:\n    msg: hi\n"""\n')
    found = example_problems(sorted(modules.glob("*.py")), tmp_path / "playbooks")
    assert found["fine"] == []
    lint = "\n".join(found["broken_lint"])
    assert "esus.pec.broken_lint EXAMPLES" in lint
    assert "fqcn" in lint and "name[" in lint  # `debug` not fully qualified, a task without a name, a lowercase name
    syntax = "\n".join(found["broken_syntax"])
    assert "esus.pec.broken_syntax EXAMPLES: ansible-playbook --syntax-check failed" in syntax
    assert "conflicting action statements" in syntax


# --- the first example of esus.pec.readiness_report, run as written after a real audit ---------------------------


def first_example(module: str) -> str:
    """The text of the module's first example (up to the next top-level list item)."""
    text = textwrap.dedent(examples_of(REPO / "plugins" / "modules" / ("%s.py" % module))).strip("\n")
    items = [i for i, line in enumerate(text.splitlines()) if line.startswith("- ")]
    lines = text.splitlines()
    return "\n".join(lines[items[0] : items[1] if len(items) > 1 else len(lines)]).rstrip() + "\n"


def sandbox_fleet(tmp_path: Path, pki, states: dict) -> Path:
    """An inventory of local-connection 'PEC servers' in tmp_path, each in a state: ready, no_chaves, no_pec."""
    user, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
    hosts = {}
    for host, state in states.items():
        root = tmp_path / "hosts" / host / "webserver"
        if state != "no_pec":
            (root / "config").mkdir(parents=True)
        if state == "ready":
            (root / "chaves").mkdir(mode=0o750)
            (root / "chaves").chmod(0o750)
            key, cert = pki.leaf(name="MUNICIPIO %s" % host.upper())
            pfx = pki.pfx("%s.pfx" % host, key, cert, "senha-%s" % host)
            shutil.copy(pfx, root / "chaves" / "certificado.pfx")
            (root / "chaves" / "certificado.pfx").chmod(0o600)
        hosts[host] = {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
            "sandbox_pec_root": str(root),
            "sandbox_password": "senha-%s" % host,
            "sandbox_owner": user,
            "sandbox_group": group,
        }
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    return inventory


AUDIT = """---
- name: Audit a tiny sandbox fleet, then write its report with the first example of esus.pec.readiness_report
  hosts: all
  gather_facts: false
  tasks:
    - name: Audit the sandbox PEC server (no network, no local fact)
      esus.pec.rnds_audit:
        pec_root: "{{ sandbox_pec_root }}"
        password: "{{ sandbox_password }}"
        owner: "{{ sandbox_owner }}"
        group: "{{ sandbox_group }}"
        check_network: false
        persist_fact: false
        add_to_group: true
      register: audit  # the name the example reads

"""


@pytest.mark.parametrize(
    "states",
    [
        pytest.param({"pec-a": "no_pec", "pec-b": "no_chaves"}, id="no-host-ready"),
        pytest.param({"pec-a": "ready", "pec-b": "no_chaves", "pec-c": "no_pec"}, id="one-host-ready"),
    ],
)
def test_the_first_readiness_report_example_runs_as_written(tmp_path, pki, states):
    inventory = sandbox_fleet(tmp_path, pki, states)
    playbook = tmp_path / "audit_and_report.yml"
    playbook.write_text(AUDIT + textwrap.indent(first_example("readiness_report"), "    "))
    result = subprocess.run(
        ["ansible-playbook", "-i", str(inventory), str(playbook)],
        cwd=tmp_path,  # the example's dest (reports/) is relative to where ansible-playbook runs
        env=ansible_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    report = json.loads((tmp_path / "reports" / "readiness.json").read_text())
    assert report["language"] == "en"
    records = {record["host"]: record["ready"] for record in report["hosts"]}
    assert records == {host: state == "ready" for host, state in states.items()}
    assert report["summary"]["hosts"] == len(states) and report["summary"]["unknown"] == 0
    assert '<html lang="en">' in (tmp_path / "reports" / "readiness.html").read_text()
