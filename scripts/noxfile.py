# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ansible-core matrix: units, sanity and one real playbook run against every ansible-core minor that
meta/runtime.yml's requires_ansible admits (docs/testing.md).

    bash scripts/test.sh matrix [2.17 ...]        what CI runs: the Python 3.13 cores in a Debian 13 container
    nox -f scripts/noxfile.py -l                  the sessions: units(2.17) ... integration(2.21)
    nox -f scripts/noxfile.py -t core-2.18        the three sessions of one core (its Python must be on PATH)

Each session makes its own virtualenv with one ansible-core and only what that session needs. The units also get
the collections of the project's pinned ``ansible`` package (requirements.txt, installed without its ansible-core):
they read ansible.windows 3.3.0's .ps1 modules and documentation, whatever the core. Sanity and integration get
ansible-core alone (esus.pec needs no other collection but community.general, and that one only to mail the
report, which those runs do not). Everything else is pinned by constraints.txt.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nox

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("ESUS_MATRIX_RESULTS", REPO / ".cache" / "results" / "matrix"))

# minor: (the latest ansible-core of it, the controller Python its sessions run on). 2.17 supports controller
# Python 3.10-3.12, 2.18 and 2.19 3.11-3.13, 2.20 and 2.21 3.12-3.14: 3.11 is this machine's Python, 3.13 Debian
# 13's (scripts/container-engine.sh, esus_controller_image_build).
CORES = {
    "2.17": ("2.17.14", "3.11"),
    "2.18": ("2.18.19", "3.11"),
    "2.19": ("2.19.14", "3.11"),
    "2.20": ("2.20.10", "3.13"),
    "2.21": ("2.21.5", "3.13"),
}
PARAMS = [nox.param(python, core, id=core, tags=["core-" + core]) for core, (_, python) in CORES.items()]
ANSIBLE = next(line for line in (REPO / "requirements.txt").read_text().splitlines() if line.startswith("ansible=="))

nox.options.envdir = str(REPO / ".cache" / "nox")
nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"  # the pinned installs still run each time; a second run costs little
nox.options.download_python = "never"
nox.options.error_on_missing_interpreters = True


def constraints(session: nox.Session) -> str:
    """constraints.txt without the pins that belong to one ansible-core (ansible, ansible-core, resolvelib)."""
    kept = [
        line
        for line in (REPO / "constraints.txt").read_text().splitlines()
        if not re.match(r"(?i)(ansible|ansible-core|resolvelib)==", line)
    ]
    path = Path(session.create_tmp()) / "constraints-matrix.txt"
    path.write_text("\n".join(kept) + "\n")
    return str(path)


def install(session: nox.Session, core: str, *packages: str) -> None:
    session.install("--quiet", "-c", constraints(session), "ansible-core==%s" % CORES[core][0], *packages)
    check_core(session, core)
    session.chdir(REPO)


def check_core(session: nox.Session, core: str) -> None:
    version = session.run("python", "-c", "import ansible.release as r; print(r.__version__)", silent=True)
    if version.strip() != CORES[core][0]:
        session.error("expected ansible-core %s, found %s" % (CORES[core][0], version.strip()))


def junit(core: str, name: str) -> str:
    (RESULTS / core).mkdir(parents=True, exist_ok=True)
    return "--junitxml=%s" % (RESULTS / core / ("%s.xml" % name))


@nox.session
@nox.parametrize("python, core", PARAMS)
def units(session: nox.Session, core: str) -> None:
    """pytest tests/unit."""
    # jsonschema: the Zabbix template's schema; pypsrp and pywinrm: what a Windows controller installs (README)
    install(
        session,
        core,
        "cryptography",
        "pytest",
        "tree-sitter",
        "tree-sitter-powershell",
        "jsonschema",
        "pypsrp",
        "pywinrm",
    )
    session.install("--quiet", "--no-deps", ANSIBLE)  # its collections only: this session's ansible-core stays
    check_core(session, core)
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", junit(core, "units"), "tests/unit")


@nox.session
@nox.parametrize("python, core", PARAMS)
def sanity(session: nox.Session, core: str) -> None:
    """ansible-test sanity of this core on the shipped collection (scripts/sanity.sh)."""
    install(session, core)
    session.run("bash", "scripts/sanity.sh", external=True)


@nox.session
@nox.parametrize("python, core", PARAMS)
def integration(session: nox.Session, core: str) -> None:
    """The README demo (deploy and readiness playbooks on seven sandbox hosts) and the readiness tests that run
    the audit playbook again on its fleet (tests/integration/test_readiness.py), all with this core's
    ansible-playbook; the headless Chromium check of the HTML page is left to the main integration part."""
    install(session, core, "cryptography", "pytest")
    session.run("ansible-playbook", "--version")
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        junit(core, "integration"),
        "tests/integration/test_readiness.py",
        "-k",
        "not chromium",
        env={"ESUS_USE_ACTIVE_VENV": "1"},
    )
