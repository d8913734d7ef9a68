# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What AnsiballZ ships to a Linux host is host code only: built by ansible-core's own module_common, for each
Python module of the collection that runs on a host, and read back from the payload's zip.

Controller code (the readiness checks and their codes, the report, the SDDL code, Jinja2) lives in
plugins/plugin_utils, which AnsiballZ never packs: a module or module_util that imported it would fail on the
host, and one that imported Jinja2 or Ansible's controller would need what a host lacks. This test names the
module and the file.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from tests.support.collection import REPO, collections_path

MODULES = sorted(
    path
    for path in (REPO / "plugins" / "modules").glob("*.py")
    if not path.name.startswith("win_") and "def main(" in path.read_text(encoding="utf-8")  # doc stubs: no code
)
# what only the controller may import: a module_util that imports one of these is controller code
CONTROLLER_IMPORTS = ("jinja2", "ansible.plugins", "ansible.template")
CONTROLLER_IMPORTS += ("ansible_collections.esus.pec.plugins.plugin_utils",)

# Run in a child Python: ansible-core's collection loader, which AnsiballZ needs, is installed process-wide.
BUILD = r"""
import base64, io, json, re, sys, zipfile
from ansible.executor.module_common import modify_module
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

_AnsibleCollectionFinder(paths=[sys.argv[1]])._install()
prefix = "ansible_collections/esus/pec/"
out = {}
for path in sys.argv[2:]:
    name = path.rsplit("/", 1)[-1][:-3]
    built = modify_module(
        module_name="esus.pec." + name,
        module_path=path,
        module_args={},
        templar=Templar(loader=DataLoader()),
        task_vars={"ansible_python_interpreter": "/usr/bin/python3"},
    )
    data = (built.b_module_data if hasattr(built, "b_module_data") else built[0]).decode("utf-8")
    # 2.19+: zip_data = '...'; 2.17/2.18: ZIPDATA = b'...' (the repr of bytes); older: a triple-quoted ZIPDATA
    found = re.search(r"(?:zip_data|ZIPDATA)\s*=\s*(?:b?'([A-Za-z0-9+/=]+)'|\"{3}([A-Za-z0-9+/=\s]+)\"{3})", data)
    if not found:
        out[name] = None
        continue
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(found.group(1) or found.group(2)))) as archive:
        out[name] = {
            entry[len(prefix):]: archive.read(entry).decode("utf-8")
            for entry in archive.namelist()
            if entry.startswith(prefix) and entry.endswith(".py") and not entry.endswith("__init__.py")
        }
print(json.dumps(out))
"""


def imports(source: str) -> set:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.fixture(scope="module")
def shipped() -> dict:
    """Module -> {file name in the collection: source} of what AnsiballZ ships for it, built by ansible-core."""
    command = [sys.executable, "-c", BUILD, str(collections_path()), *map(str, MODULES)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    missing = sorted(name for name, files in found.items() if files is None)
    assert missing == [], "no zip in the AnsiballZ wrapper of %s: has ansible-core changed its layout?" % missing
    return found


def test_the_host_modules_are_found():
    assert {m.stem for m in MODULES} >= {"pec_probe", "chaves_certificate", "pkcs12_validate"}


@pytest.mark.parametrize("module", [m.stem for m in MODULES])
def test_a_host_receives_module_utils_only_and_none_that_needs_the_controller(shipped, module):
    files = shipped[module]
    assert "plugins/module_utils/" in " ".join(files)  # the payload was read: every host module uses a module_util
    own_file = "plugins/modules/%s.py" % module  # some ansible-core versions pack the module itself too
    others = sorted(name for name in files if not name.startswith("plugins/module_utils/") and name != own_file)
    assert others == [], "%s ships controller files to the host: %s" % (module, others)
    own = (REPO / "plugins" / "modules" / ("%s.py" % module)).read_text(encoding="utf-8")
    for name, source in [(own_file, own), *files.items()]:
        wrong = sorted(i for i in imports(source) if i.startswith(CONTROLLER_IMPORTS))
        assert wrong == [], "%s ships %s, which imports controller code: %s" % (module, name, wrong)


MODULE_UTILS = "ansible_collections.esus.pec.plugins.module_utils"


def module_utils_imported(source: str) -> set:
    """The module_utils files a source imports by their collection name (what AnsiballZ follows)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == MODULE_UTILS:
            found |= {"plugins/module_utils/%s.py" % alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(MODULE_UTILS + "."):
            found.add("plugins/module_utils/%s.py" % node.module[len(MODULE_UTILS) + 1 :].replace(".", "/"))
    return found


@pytest.mark.parametrize("module", [m.stem for m in MODULES])
def test_a_host_receives_every_module_util_its_code_imports(shipped, module):
    """The core is split over many private module_utils that import each other (pkcs12 -> _pkcs12_loading ->
    _pkcs12_decrypt...): each one imported by the module or a shipped file is in the payload."""
    files = shipped[module]
    own = (REPO / "plugins" / "modules" / ("%s.py" % module)).read_text(encoding="utf-8")
    needed = set()
    for source in [own, *files.values()]:
        needed |= module_utils_imported(source)
    assert sorted(needed - set(files)) == [], "%s would fail on the host: its payload lacks these" % module


def test_pkcs12_validate_ships_the_whole_core(shipped):
    """Every private part of the PKCS#12 core goes to the host with the module (none is found only by name)."""
    core = {
        "plugins/module_utils/%s" % path.name
        for pattern in ("_pkcs12*.py", "_verdicts*.py", "_certificate_*.py", "_key_checks.py", "_icp_identity.py")
        for path in (REPO / "plugins" / "module_utils").glob(pattern)
    }
    assert len(core) >= 15
    assert sorted(core - set(shipped["pkcs12_validate"])) == []


def test_pec_probe_ships_no_audit_code(shipped):
    """The probe only looks: the checks, their codes, the report and the SDDL code stay on the controller."""
    assert sorted(name for name in shipped["pec_probe"] if name.startswith("plugins/module_utils/")) == [
        "plugins/module_utils/_argspec.py",  # its options, specified once for the module and the audit
        # the PKCS#12 core's envelope reader, for a password-less PKCS#12 trust store (jre_trust.py)
        "plugins/module_utils/_asn1.py",
        "plugins/module_utils/_java_pairing.py",
        "plugins/module_utils/_pkcs12_envelope.py",
        "plugins/module_utils/_pkcs12_mac_data.py",
        "plugins/module_utils/_pkcs12_protection.py",
        "plugins/module_utils/_pkcs12_schema.py",
        "plugins/module_utils/certificate_files.py",
        "plugins/module_utils/chaves_options.py",  # the deploy's change codes _argspec names
        "plugins/module_utils/host_probe.py",
        "plugins/module_utils/jre_trust.py",  # PEC's Java trust store read, the handshakes made (issue 23, item 3)
        "plugins/module_utils/pec_install.py",  # pec.config's non-secret keys, the service, CADSUS key names
        "plugins/module_utils/pec_layout.py",  # PEC's default roots, written once
    ]


def test_module_utils_holds_no_controller_code():
    """Every file in module_utils is importable by a host: none imports Jinja2, Ansible's controller or
    plugin_utils (what a host lacks)."""
    for path in sorted((REPO / "plugins" / "module_utils").glob("*.py")):
        wrong = sorted(i for i in imports(path.read_text(encoding="utf-8")) if i.startswith(CONTROLLER_IMPORTS))
        assert wrong == [], "%s imports controller code: %s" % (path.relative_to(REPO), wrong)
