# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One input contract: every option is specified once, and what users read is what the plugins accept.

- The spec each plugin really uses is captured from the plugin itself: a module's ``main()`` runs until it
  builds its AnsibleModule, an action's ``run()`` until it validates its arguments, a ``.ps1`` module's spec is
  read with a real PowerShell grammar. Each equals the plugin's documentation as ``ansible-doc -j`` gives it
  (fragments merged): names, types, defaults, required, choices, elements, aliases and suboptions; an option is
  ``no_log`` exactly when its documentation says it is never shown.
- The builders of module_utils/_argspec.py and the fragments of plugins/doc_fragments are 1:1 and equal, and a
  plugin whose spec takes a builder's options documents them through that builder's fragment (no copy).
- An option taken by several plugins has the same spec everywhere, but for the differences named below.

One ``ansible-doc`` run for all the plugins: about 2 seconds.
"""

from __future__ import annotations

import importlib
import inspect
import types
from pathlib import Path

import pytest
import yaml
from ansible.plugins.action import ActionBase

from ansible_collections.esus.pec.plugins.module_utils import _argspec
from tests.support.argspec import specs
from tests.support.collection import REPO
from tests.support.powershell import module_spec

PLUGINS = REPO / "plugins"
PACKAGE = "ansible_collections.esus.pec.plugins"
SECRET_WORDS = "never shown"

# Options that several plugins take with a different spec, on purpose
DIFFERENT_ON_PURPOSE = {
    "pec_root": "an action takes it empty (the host's platform decides); a host module has its platform's default",
    "endpoints": "the audit checks the RNDS authentication endpoint by default; a probe alone checks none",
    "fact_path": "each probe has its platform's default; the audit takes it empty (the platform decides)",
    "read_certificate": "the Windows probe serves only the audit, which always reads the certificate",
    "src": "the deploy cannot go without it; pkcs12_validate takes it or path",
}


class Captured(Exception):
    """Raised where a plugin hands its argument spec over, to stop it there."""

    def __init__(self, spec: dict) -> None:
        super().__init__("captured")
        self.spec = spec


def python_modules() -> list[str]:
    """Modules whose spec is Python (a .ps1 beside a .py means the .py is documentation only; so does an action of
    the same name when the module file has no main(): its options are checked through the action)."""
    modules = PLUGINS / "modules"

    def doc_only(path: Path) -> bool:
        if (modules / (path.stem + ".ps1")).exists():
            return True
        return (PLUGINS / "action" / path.name).exists() and "\ndef main(" not in path.read_text()

    return sorted(p.stem for p in modules.glob("*.py") if not doc_only(p))


def powershell_modules() -> list[str]:
    return sorted(p.stem for p in (PLUGINS / "modules").glob("*.ps1"))


def actions() -> list[str]:
    return sorted(p.stem for p in (PLUGINS / "action").glob("*.py") if p.stem != "__init__")


def module_argument_spec(name: str, monkeypatch) -> dict:
    """The argument_spec the module's main() gives AnsibleModule."""
    module = importlib.import_module("%s.modules.%s" % (PACKAGE, name))

    def capture(*_args, **kwargs):
        raise Captured(kwargs["argument_spec"])

    monkeypatch.setattr(module, "AnsibleModule", capture)
    with pytest.raises(Captured) as caught:
        module.main()
    return caught.value.spec


def action_argument_spec(name: str, monkeypatch) -> dict:
    """The argument_spec the action's run() validates its arguments with (nothing before that needs a host)."""
    module = importlib.import_module("%s.action.%s" % (PACKAGE, name))

    def capture(self, argument_spec=None, **_kwargs):
        raise Captured(argument_spec)

    monkeypatch.setattr(ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    monkeypatch.setattr(ActionBase, "validate_argument_spec", capture)
    action = object.__new__(module.ActionModule)
    # what the actions read before validating: the task's arguments (none here) and the host's variables (none)
    action._task, action._templar = types.SimpleNamespace(args={}), None
    with pytest.raises(Captured) as caught:
        action.run(task_vars={})
    return caught.value.spec


def spec_shape(options: dict) -> dict:
    """Option name -> what users must read about it, from an argument spec (Python or .ps1)."""
    return {
        name: {
            "type": spec.get("type", "str"),
            "required": spec.get("required") is True,
            "default": spec.get("default"),
            "choices": spec.get("choices"),
            "elements": spec.get("elements"),
            "aliases": sorted(spec.get("aliases") or []),
            "no_log": spec.get("no_log") is True,
            "options": spec_shape(spec.get("options") or spec.get("suboptions") or {}),  # .ps1 specs: suboptions
        }
        for name, spec in options.items()
    }


def doc_shape(options: dict) -> dict:
    """The same, from documented options; ``no_log`` is what the description promises."""
    shape = {}
    for name, doc in options.items():
        description = doc.get("description") or ""
        text = " ".join(description) if isinstance(description, list) else str(description)
        shape[name] = {
            "type": doc.get("type", "str"),
            "required": doc.get("required") is True,
            "default": doc.get("default"),
            "choices": doc.get("choices"),
            "elements": doc.get("elements"),
            "aliases": sorted(doc.get("aliases") or []),
            "no_log": SECRET_WORDS in text.lower(),
            "options": doc_shape(doc.get("suboptions") or {}),
        }
    return shape


def differences(real: dict, documented: dict, where: str = "") -> list[str]:
    found = []
    for name in sorted(set(real) | set(documented)):
        if name not in documented:
            found.append("%s%s: accepted but not documented" % (where, name))
        elif name not in real:
            found.append("%s%s: documented but not accepted" % (where, name))
        else:
            for key in real[name]:
                if key == "options":
                    found += differences(real[name][key], documented[name][key], "%s%s." % (where, name))
                elif real[name][key] != documented[name][key]:
                    found.append(
                        "%s%s: %s is %r in the spec, %r in the documentation"
                        % (where, name, key, real[name][key], documented[name][key])
                    )
    return found


@pytest.fixture(scope="module")
def documented() -> dict:
    names = sorted(set(python_modules()) | set(powershell_modules()) | set(actions()))
    return specs(tuple("esus.pec." + name for name in names))


@pytest.fixture(scope="module")
def used() -> dict:
    """Plugin ('module X' or 'action X') -> the argument spec it really uses."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        found = {"module " + name: module_argument_spec(name, monkeypatch) for name in python_modules()}
        found.update({"action " + name: action_argument_spec(name, monkeypatch) for name in actions()})
    found.update(
        {"module " + n: module_spec(PLUGINS / "modules" / (n + ".ps1"))["options"] for n in powershell_modules()}
    )
    return found


def plugin_differences(used: dict, documented: dict) -> list[str]:
    problems = []
    for plugin, spec in sorted(used.items()):
        name = "esus.pec." + plugin.split()[1]
        if name not in documented:
            problems.append("%s: no documentation (an action is documented by a module of its name)" % plugin)
            continue
        problems += ["%s: %s" % (plugin, d) for d in differences(spec_shape(spec), doc_shape(documented[name]))]
    return problems


def test_every_plugin_is_found():
    assert {"pkcs12_validate", "certificate_deploy", "rnds_audit"} <= set(actions())
    assert {"chaves_certificate", "pec_probe", "pkcs12_validate", "rnds_audit", "certificate_deploy"} <= set(
        python_modules()
    )
    assert set(powershell_modules()) == {"win_chaves_certificate", "win_pec_probe"}


def test_each_plugin_is_documented_as_it_really_takes_its_options(used, documented):
    assert plugin_differences(used, documented) == []


def test_a_drift_between_a_spec_and_its_documentation_would_be_caught(used, documented):
    """The comparison itself must be able to fail: a changed default, a lost no_log, a new suboption."""
    planted = {plugin: dict(spec) for plugin, spec in used.items()}
    deploy = planted["action certificate_deploy"]
    deploy["backups"] = dict(deploy["backups"], default=3)
    deploy["password"] = {key: value for key, value in deploy["password"].items() if key != "no_log"}
    principals = deploy["windows_principals"]
    deploy["windows_principals"] = dict(principals, options=dict(principals["options"], domain={"type": "str"}))
    deploy["choice"] = {"type": "str", "choices": ["a", "b"]}
    problems = plugin_differences(planted, documented)
    assert any("action certificate_deploy: backups: default is 3" in p for p in problems), problems
    assert any("action certificate_deploy: password: no_log" in p for p in problems), problems
    assert any("windows_principals.domain: accepted but not documented" in p for p in problems), problems
    assert any("choice: accepted but not documented" in p for p in problems), problems


# - builders and fragments -


def builders() -> dict:
    """Fragment name -> the builder of module_utils/_argspec.py that specifies its options."""
    found = {}
    for name, function in inspect.getmembers(_argspec, inspect.isfunction):
        if function.__module__ != _argspec.__name__ or name.startswith("_") or name.endswith("_spec"):
            continue
        if name == "named":  # how a message names an option, not options
            continue
        found["pec_root.linux" if name == "linux_pec_root" else name] = function
    return found


FILTER_FRAGMENTS = {"run_summary"}  # options of filter plugins: no module, so no argument spec to build


def fragments() -> dict:
    """Fragment name (file, or file.variable for a variable other than DOCUMENTATION) -> its options."""
    found = {}
    for path in sorted((PLUGINS / "doc_fragments").glob("*.py")):
        if path.stem in FILTER_FRAGMENTS:
            continue
        module = importlib.import_module("%s.doc_fragments.%s" % (PACKAGE, path.stem))
        for variable, text in vars(module.ModuleDocFragment).items():
            if variable.isupper() and isinstance(text, str):
                name = path.stem if variable == "DOCUMENTATION" else "%s.%s" % (path.stem, variable.lower())
                found[name] = yaml.safe_load(text).get("options") or {}
    return found


def test_builders_and_fragments_are_one_to_one_and_equal():
    built, documented = builders(), fragments()
    assert sorted(built) == sorted(documented)
    problems = []
    for name, builder in built.items():
        problems += ["%s: %s" % (name, d) for d in differences(spec_shape(builder()), doc_shape(documented[name]))]
    assert problems == []


def raw_documentation(plugin_file: Path) -> dict:
    source = plugin_file.read_text(encoding="utf-8")
    start = source.index('DOCUMENTATION = r"""') + len('DOCUMENTATION = r"""')
    return yaml.safe_load(source[start : source.index('"""', start)])


def copies(module_names: list[str], read=raw_documentation) -> list[str]:
    """Options of a builder that a plugin documents without extending the builder's fragment."""
    by_option = {}
    for fragment, options in fragments().items():
        for option in options:
            by_option.setdefault(option, set()).add(fragment)
    found = []
    for name in module_names:
        doc = read(PLUGINS / "modules" / (name + ".py"))
        extended = {f.removeprefix("esus.pec.") for f in doc.get("extends_documentation_fragment") or []}
        for option in doc.get("options") or {}:
            if option in by_option and not by_option[option] & extended:
                where = " or ".join(sorted(by_option[option]))
                found.append("%s documents %s itself instead of extending %s" % (name, option, where))
    return found


def test_options_of_a_builder_are_documented_through_its_fragment():
    """The .py documentation of the .ps1 modules too: their options that a builder also has (create_pec_root,
    dest_name, backups in win_chaves_certificate) are the exceptions named here."""
    windows_own = {
        "win_chaves_certificate documents %s itself instead of extending chaves" % option
        for option in ("create_pec_root", "dest_name", "backups")
    } | {
        "%s documents pec_root itself instead of extending pec_root or pec_root.linux" % name
        for name in ("win_chaves_certificate", "win_pec_probe")
    }
    modules = sorted(p.stem for p in (PLUGINS / "modules").glob("*.py"))
    assert sorted(set(copies(modules)) - windows_own) == []


def test_a_copied_option_would_be_caught():
    real = raw_documentation(PLUGINS / "modules" / "pec_probe.py")
    planted = dict(real, options=dict(real["options"], owner={"description": "Owner.", "type": "str"}))
    found = copies(["pec_probe"], read=lambda _path: planted)
    assert found == ["pec_probe documents owner itself instead of extending ownership"]


# - one option, one spec, across plugins -


def spread(used: dict) -> dict:
    """Option name -> {plugin: its shape} for the options several plugins take."""
    found = {}
    for plugin, spec in used.items():
        for option, shape in spec_shape(spec).items():
            found.setdefault(option, {})[plugin] = shape
    return {option: plugins for option, plugins in found.items() if len(plugins) > 1}


def disagreements(used: dict) -> list[str]:
    found = []
    for option, plugins in sorted(spread(used).items()):
        if option in DIFFERENT_ON_PURPOSE:
            continue
        shapes = {repr(shape) for shape in plugins.values()}
        if len(shapes) > 1:
            found.append("%s differs between %s" % (option, ", ".join(sorted(plugins))))
    return found


def test_an_option_has_one_spec_wherever_it_is_taken(used):
    assert disagreements(used) == []
    assert set(DIFFERENT_ON_PURPOSE) <= set(spread(used)), "a named difference no longer exists: drop it"


def test_a_disagreement_between_plugins_would_be_caught(used):
    planted = dict(used)
    planted["module win_chaves_certificate"] = dict(
        used["module win_chaves_certificate"], backups={"type": "int", "default": 3}
    )
    assert any(p.startswith("backups differs between") for p in disagreements(planted))
