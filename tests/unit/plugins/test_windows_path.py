# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Windows path, as far as it can be proven without a Windows host (docs/windows.md).

No Windows host and no PowerShell exist on these machines (apt, PyPI and npm checked). What runs on a Windows
host is the two ``.ps1`` modules and the ``.psm1`` module_util they share; here they are read with a real
PowerShell grammar (tree-sitter-powershell): their syntax, their option specs, the order of their steps and the
shape of what they return. The actions
that call them run for real, with only the call that would reach the host recorded and answered
(tests/support/windows_host.py, a stand-in for the host that cannot exist here): every call they make is
checked against the option spec in the called module's own ``.ps1``, and their handling of the answers is
fed results in the exact shape the ``.ps1`` returns.

Only a real host can prove what .NET then does (the descriptor written, ReplaceFile on NTFS, the transport
of the arguments, the time it takes): molecule/windows.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib, VaultSecret

from ansible_collections.esus.pec.plugins.action import certificate_deploy, rnds_audit
from ansible_collections.esus.pec.plugins.module_utils.host_probe import fact_text
from ansible_collections.esus.pec.plugins.plugin_utils import windows_acl
from tests.support.argspec import argument_problems, specs
from tests.support.collection import REPO
from tests.support.powershell import ansible_windows_module, module_spec, syntax_errors, syntax_errors_in
from tests.support.windows_host import run_action

MODULES = REPO / "plugins" / "modules"
DEPLOY_PS1 = MODULES / "win_chaves_certificate.ps1"
PROBE_PS1 = MODULES / "win_pec_probe.ps1"
OUR_PS1 = sorted(MODULES.glob("*.ps1"))
HELPERS_PSM1 = REPO / "plugins" / "module_utils" / "FileSecurity.psm1"
OUR_PSM1 = sorted((REPO / "plugins" / "module_utils").glob("*.psm1"))
REQUIRES_HELPERS = "#AnsibleRequires -PowerShell ansible_collections.esus.pec.plugins.module_utils.FileSecurity"
SERVICE = "NT SERVICE\\e-SUS-PEC"
SERVICE_SID = "S-1-5-80-3141592653-589793238-462643383-279502884-197169399"
PASSWORD = "Senha-Win-1;&|"
VAULT = VaultSecret(b"vault-password-for-tests")


def ps1_options(path: Path) -> dict:
    return module_spec(path)["options"]


def ps1_problems(path: Path, arguments: dict) -> list:
    return argument_problems(path.stem, arguments, ps1_options(path), strict=True, ignore_case=True)


# - the PowerShell itself -


def test_our_powershell_parses_under_a_real_grammar():
    assert set(OUR_PS1) == {PROBE_PS1, DEPLOY_PS1}
    assert OUR_PSM1 == [HELPERS_PSM1]
    ours = OUR_PS1 + OUR_PSM1
    assert {path.name: syntax_errors_in(path) for path in ours} == {path.name: [] for path in ours}


def test_a_broken_copy_of_the_shared_helpers_would_be_caught():
    source = HELPERS_PSM1.read_text()
    last_brace = source.rindex("}")
    assert syntax_errors(source[:last_brace] + source[last_brace + 1 :]) != []
    middle = source.index("\nFunction ConvertTo-EsusSid")
    assert syntax_errors(source[:middle] + "\nif ($x -eq ) { }" + source[middle:]) != []


def psm1_functions(path: Path = HELPERS_PSM1) -> set:
    return set(_functions(path.read_text()))


def test_both_modules_use_the_shared_helpers_and_keep_no_copy_of_them():
    """SHA-1, name to SID and descriptors live once, in the .psm1: each .ps1 requires it, calls its functions and
    defines none of its own for the same jobs."""
    exported = re.search(r"Export-ModuleMember -Function @\((.+?)\)", HELPERS_PSM1.read_text(), re.S).group(1)
    assert set(re.findall(r"'([\w-]+)'", exported)) == psm1_functions()
    for path in (DEPLOY_PS1, PROBE_PS1):
        source = path.read_text()
        assert REQUIRES_HELPERS in source.splitlines(), path.name
        # the listing of chaves (each file's SHA-1 and descriptor) and name to SID, from the .psm1
        assert {"Get-EsusChavesListing", "ConvertTo-EsusSid"} <= set(re.findall(r"\b\w+-Esus\w+\b", source))
        assert not re.search(r"ComputeHash|\.Translate\(|GetSecurityDescriptorSddlForm|SetAccessControl", source)


@pytest.mark.parametrize("path", [DEPLOY_PS1, PROBE_PS1], ids=lambda p: p.name)
def test_a_broken_copy_of_our_powershell_would_be_caught(path):
    source = path.read_text()
    last_brace = source.rindex("}")
    assert syntax_errors(source[:last_brace] + source[last_brace + 1 :]) != []
    middle = source.index("\n$module = [Ansible.Basic.AnsibleModule]::Create")
    assert syntax_errors(source[:middle] + "\nif ($x -eq ) { }" + source[middle:]) != []


@pytest.mark.parametrize("path", [DEPLOY_PS1, PROBE_PS1], ids=lambda p: p.name)
def test_the_ps1_spec_and_the_documentation_agree(path):
    """What ansible-doc shows users is what the module accepts: names, types, defaults, required, elements."""
    documented = specs(("esus.pec." + path.stem,))["esus.pec." + path.stem]
    real = module_spec(path)
    assert real["framework"] == "Ansible.Basic"
    assert real["supports_check_mode"] is True

    def shape(options: dict) -> dict:
        return {
            name: (
                spec.get("type", "str"),
                bool(spec.get("required") is True),
                spec.get("default"),
                spec.get("elements"),
                shape(spec.get("suboptions") or {}),
            )
            for name, spec in options.items()
        }

    assert shape(real["options"]) == shape(documented)


def test_the_certificate_bytes_are_a_no_log_option():
    assert ps1_options(DEPLOY_PS1)["content"].get("no_log") is True


def _offset(source: str, text: str, start: int = 0) -> int:
    found = source.find(text, start)
    assert found >= 0, "%r not found in the .ps1" % text
    return found


def test_deploy_steps_are_in_the_safe_order():
    """Observing touches nothing and ends before anything is applied; the host is compared with what was observed
    before any change; nothing is touched before the check-mode exit; chaves is closed before the first byte is
    written; the staged file is verified before the swap; the file's descriptor is set after it.

    Read from the .ps1's source, so reordering the steps fails here. That the steps do what they say on NTFS
    is for molecule/windows."""
    source = DEPLOY_PS1.read_text()
    observe_exit = _offset(source, "$module.Result.observed = Get-Observation")
    compare = _offset(source, "Test-Expected -Seen $seen.chaves -Expected $module.Params.expect.chaves")
    check_mode_exit = _offset(source, "if ($apply.Count -eq 0 -or $module.CheckMode)")
    sites = _write_sites(source)
    assert len(sites) >= 10, "the write primitives are no longer recognised: %d found" % len(sites)
    first_change = min(sites)
    received_check = _offset(source, "$received -ne $checksum")
    close_chaves = _offset(source, "Set-EsusSddl -Path $chaves -Sddl $sddl -Directory", check_mode_exit)
    write = _offset(source, "$stream.Write(", check_mode_exit)
    verify = _offset(source, "$written -ne $checksum", check_mode_exit)
    swap = _offset(source, "[System.IO.File]::Replace($staged, $dest", check_mode_exit)
    after = _offset(source, "Set-EsusSddl -Path $dest -Sddl $FileSddl", swap)
    resolve = _offset(source, "ConvertTo-EsusSid -Principal $principal")
    assert _offset(source, "Function Get-Observation") < resolve < observe_exit < compare < check_mode_exit
    assert check_mode_exit <= first_change
    assert received_check < close_chaves < write < verify < swap < after


# .NET and PowerShell calls that change the disk or a descriptor
WRITE_PRIMITIVE = re.compile(
    r"::(Delete|CreateDirectory|Move|Replace|Copy|WriteAll\w*|SetAccessControl)\(|System\.IO\.FileStream|"
    r"\b(Set-Acl|Remove-Item|New-Item|Move-Item|Copy-Item|Set-Content|Out-File)\b",
    re.IGNORECASE,
)


def _functions(source: str) -> dict[str, tuple[int, int]]:
    """Each ``Function Name {...}`` of a .ps1: name -> (start, end) of its text."""
    found = {}
    for match in re.finditer(r"^Function\s+([\w-]+)\s*\{", source, re.MULTILINE | re.IGNORECASE):
        found[match.group(1)] = (match.start(), _block_end(source, match.start()))
    return found


def _write_sites(source: str) -> list[int]:
    """Where the script's body (outside its function definitions) changes something: a write primitive, or a call
    to a function that writes, directly or through another one (the .psm1's writers included). Searched from the
    top of the file, so a write moved before the check-mode exit is found wherever it lands."""
    functions = _functions(source)
    inside = lambda at: any(start <= at <= end for start, end in functions.values())  # noqa: E731
    writers = {name for name, (start, end) in functions.items() if WRITE_PRIMITIVE.search(source, start, end)}
    writers |= _helper_writers()
    while True:  # a function that calls a writer writes too
        more = {
            name
            for name, (start, end) in functions.items()
            if name not in writers and any(re.search(r"\b%s\b" % re.escape(w), source[start:end]) for w in writers)
        }
        if not more:
            break
        writers |= more
    sites = [m.start() for m in WRITE_PRIMITIVE.finditer(source) if not inside(m.start())]
    for name in writers:
        sites += [
            m.start()
            for m in re.finditer(r"(?<!Function )\b%s\b" % re.escape(name), source, re.IGNORECASE)
            if not inside(m.start())
        ]
    return sorted(sites)


def _helper_writers() -> set:
    """The .psm1's functions that write (they are called from the .ps1 but defined in the module_util)."""
    source = HELPERS_PSM1.read_text()
    functions = _functions(source)
    return {name for name, (start, end) in functions.items() if WRITE_PRIMITIVE.search(source, start, end)}


def test_the_shared_helpers_that_write_are_known():
    assert _helper_writers() == {"Set-EsusSddl", "Initialize-EsusPrivateFolder"}


def test_the_write_sites_finder_sees_a_write_moved_before_the_check_mode_exit():
    """The finder above is itself a detector: a Delete and a call to the .psm1's Set-EsusSddl planted before the
    exit are found there (the old search started at the exit and could not see them)."""
    source = DEPLOY_PS1.read_text()
    exit_text = "if ($apply.Count -eq 0 -or $module.CheckMode)"
    check_mode_exit = _offset(source, exit_text)
    for planted in ("[System.IO.File]::Delete($dest)\n", "Set-EsusSddl -Path $chaves -Sddl $sddl -Directory\n"):
        moved = source[:check_mode_exit] + planted + source[check_mode_exit:]
        assert min(_write_sites(moved)) < _offset(moved, exit_text), planted


def test_the_probe_writes_only_the_fact_and_never_in_check_mode():
    """The fact's writes sit in its check-mode guard; the metrics' (issue 25) in Write-EsusMetric, whose every
    call is guarded by check mode too."""
    source = PROBE_PS1.read_text()
    writes = [
        m.start()
        for m in re.finditer(
            r"::(WriteAllText|WriteAllBytes|Replace|Move|Delete|CreateDirectory)\(|System\.IO\.FileStream", source
        )
    ]
    # the .psm1's writers: only the fact's folder made private (issue 27), inside the same guard
    writes += [m.start() for name in _helper_writers() for m in re.finditer(r"\b%s\b" % name, source)]
    guard = _offset(source, "if (-not $module.CheckMode) {")
    block_end = _block_end(source, guard)
    writer = _offset(source, "Function Write-EsusMetric {")
    writer_end = _block_end(source, writer)
    assert writes and all(guard < w < block_end or writer < w < writer_end for w in writes)
    calls = [m.start() for m in re.finditer(r"Write-EsusMetric -Path", source)]
    assert len(calls) == 2
    for call in calls:  # on the line, or the line before: a check-mode test
        assert "CheckMode" in source[source.rindex("\n", 0, source.rindex("\n", 0, call)) : call]
    assert _offset(source, "if ($null -ne $module.Params.fact_content)") < guard
    assert not re.search(r"\b(Set-Acl|Set-Item|Remove-Item|New-Item|Set-Content|Out-File)\b", source)
    assert [name for name in _helper_writers() if re.search(r"\b%s\b" % name, source)] == [
        "Initialize-EsusPrivateFolder"
    ]


def _block_end(source: str, start: int) -> int:
    depth, index = 0, source.index("{", start)
    while True:
        depth += {"{": 1, "}": -1}.get(source[index], 0)
        if depth == 0:
            return index
        index += 1


def ps1_result_keys(path: Path) -> set:
    """The top-level keys a .ps1 module returns: ``$module.Result.<key> =`` (plus changed, always there)."""
    return set(re.findall(r"\$module\.Result\.(\w+)\s*=", path.read_text())) | {"changed"}


def ps1_hashtable_keys(path: Path, variable: str) -> set:
    """Keys of the hashtable literal assigned to ``$variable`` (``$pec = @{ installed = ...; ... }``)."""
    match = re.search(r"\$%s = @\{([^{}]*)\}" % re.escape(variable), path.read_text())
    assert match, variable
    return set(re.findall(r"(\w+)\s*=", match.group(1)))


def ps1_all_return_keys(path: Path, function: str) -> list:
    """Keys of every ``return @{ ... }`` of a function (one set each)."""
    start, end = _functions(path.read_text())[function]
    body = path.read_text()[start:end]
    found = [set(re.findall(r"(\w+)\s*=", m)) for m in re.findall(r"return @\{([^{}]*)\}", body)]
    assert found, function
    return found


def ps1_return_keys(path: Path, function: str) -> set:
    """Keys of the first ``return @{ ... }`` of a function."""
    source = path.read_text()
    body = source[_offset(source, "Function %s" % function) :]
    match = re.search(r"return @\{([^{}]*)\}", body)
    return set(re.findall(r"(\w+)\s*=", match.group(1)))


# - what the deploy action sends -


@pytest.fixture(scope="module")
def vaulted(tmp_path_factory, request):
    from tests.support.pki import Pki

    directory = tmp_path_factory.mktemp("windows")
    pki = Pki(directory)
    key, cert = pki.leaf(key=pki.key("ec"))
    pfx = pki.pfx("3550308.pfx", key, cert, PASSWORD)
    path = directory / "3550308.pfx.vault"
    path.write_bytes(VaultLib([("default", VAULT)]).encrypt(pfx.read_bytes()))
    return path, pfx.read_bytes()


def loader() -> DataLoader:
    data = DataLoader()
    data.set_vault_secrets([("default", VAULT)])
    return data


CLOSED_SEEN = (
    "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;%s)" % SERVICE_SID
)  # as the .ps1 reads it: owner and DACL only, no G: (issue 27)
FILE_SEEN = "O:BAD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1301bf;;;%s)" % SERVICE_SID


def deploy_observation(data: bytes | None = None, **changes) -> dict:
    """The observe step's answer in the shape win_chaves_certificate.ps1 returns (test_observations_have_the_ps1_shape
    holds it to that): a fresh host, or with ``data`` a host whose chaves already holds those bytes, closed."""
    import hashlib

    observed = {
        "pec": {"installed": True},
        "chaves": {"path": CHAVES, "exists": False, "is_dir": False, "readable": None, "error": None, "sddl": None},
        "files": [],
        "dest": {"kind": "absent"},
        "sids": {SERVICE: SERVICE_SID},
    }
    if data is not None:
        observed["chaves"].update(exists=True, is_dir=True, readable=True, sddl=CLOSED_SEEN)
        observed["files"] = [
            {
                "name": "3550308.pfx",
                "size": len(data),
                "sha1": hashlib.sha1(data).hexdigest(),
                "sddl": FILE_SEEN,
                "readable": True,
                "error": None,
            }
        ]
        observed["dest"] = {"kind": "file"}
    observed.update(changes)
    return {"changed": False, "dest": CHAVES + "\\3550308.pfx", "observed": observed}


def host_answers(observed: dict, applied: dict | None = None):
    """The stand-in host: the observe step gets ``observed``, the apply step ``applied`` (by default: done)."""

    def answer(module, sent):
        if sent.get("apply") is None:
            return json.loads(json.dumps(observed))  # a fresh copy, as from the wire
        return applied or {"changed": True, "changes": sent["apply"], "dest": observed["dest"]}

    return answer


CHAVES = "C:\\Program Files\\e-SUS\\webserver\\chaves"


def deploy(vaulted, answer=None, *, check_mode=False, shell="powershell", **args):
    path, _data = vaulted
    arguments = {
        "src": str(path),
        "password": PASSWORD,
        "dest_name": "3550308.pfx",
        "windows_principals": [{"user": SERVICE, "rights": "Modify"}],
    }
    arguments.update(args)
    answer = answer or host_answers(deploy_observation())
    return run_action(
        certificate_deploy.ActionModule, arguments, answer, shell=shell, check_mode=check_mode, loader=loader()
    )


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check"])
@pytest.mark.parametrize("shell", ["powershell", "cmd"])
def test_a_fresh_host_is_observed_then_gets_the_bytes_in_one_apply(vaulted, check_mode, shell):
    result, host = deploy(vaulted, check_mode=check_mode, shell=shell)
    assert not result.get("failed"), result.get("msg")
    modules = ["esus.pec.win_chaves_certificate"] * (1 if check_mode else 2)  # --check: the look alone
    assert [module for module, _args in host.calls] == modules
    assert host.commands == []  # the Linux direct look is never tried on Windows
    assert [ps1_problems(DEPLOY_PS1, sent) for _module, sent in host.calls] == [[]] * len(modules)
    looked = host.calls[0][1]
    assert "content" not in looked and "apply" not in looked  # no bytes travel to look
    assert result["changed"] and result["changes"] == ["create chaves", "install the certificate"]
    assert result["codes"] == ["chaves.create", "certificate_file.install"]
    if not check_mode:
        sent = host.calls[1][1]
        assert sent["apply"] == ["chaves.create", "certificate_file.install"]
        assert sent["expect"] == {"chaves": None, "dest": None}
        assert base64.b64decode(sent["content"]) == vaulted[1]
        assert sent["size"] == len(vaulted[1])
        assert "{" not in sent["sddl"] and SERVICE_SID in sent["sddl"]  # filled on the controller


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check"])
def test_an_unchanged_host_is_one_execution_and_receives_no_bytes(vaulted, check_mode):
    result, host = deploy(vaulted, host_answers(deploy_observation(vaulted[1])), check_mode=check_mode)
    assert not result.get("failed"), result.get("msg")
    assert [module for module, _args in host.calls] == ["esus.pec.win_chaves_certificate"]
    assert "content" not in host.calls[0][1]
    assert result["changed"] is False and result["changes"] == []


def test_a_descriptor_fix_sends_no_bytes(vaulted):
    observed = deploy_observation(vaulted[1])
    observed["observed"]["chaves"]["sddl"] = CLOSED_SEEN + "(A;OICI;FA;;;BU)"
    result, host = deploy(vaulted, host_answers(observed["observed"] and observed))
    assert result["changes"] == ["set the security descriptor of chaves"]
    sent = host.calls[1][1]
    assert sent["apply"] == ["chaves.permissions"] and "content" not in sent
    assert sent["expect"]["chaves"] == {"sddl": CLOSED_SEEN + "(A;OICI;FA;;;BU)"}
    assert ps1_problems(DEPLOY_PS1, sent) == []


def test_a_renewal_sends_the_bytes_and_what_it_replaces(vaulted):
    observed = deploy_observation(vaulted[1])
    observed["observed"]["files"][0].update(sha1="0" * 40)
    result, host = deploy(vaulted, host_answers(observed))
    assert result["changes"] == ["replace the certificate (renewal)"]
    sent = host.calls[1][1]
    assert sent["expect"]["dest"] == {"sha1": "0" * 40, "size": len(vaulted[1]), "sddl": FILE_SEEN}
    assert base64.b64decode(sent["content"]) == vaulted[1]


def test_a_host_changed_since_it_was_observed_fails_naming_the_host(vaulted):
    refused = {"failed": True, "msg": "C:\\...\\chaves changed since it was looked at: run the deploy again."}
    result, host = deploy(vaulted, host_answers(deploy_observation(), refused))
    assert result["failed"] and "pec-windows-1" in result["msg"] and "changed since it was looked at" in result["msg"]
    assert len(host.calls) == 2


@pytest.mark.parametrize(
    "change, words",
    [
        ({"sids": {SERVICE: None}}, "cannot resolve 'NT SERVICE\\e-SUS-PEC' to a SID"),
        ({"sids": {SERVICE: "S-1-5-32-545"}}, "(S-1-5-32-545) would open chaves"),
        ({"pec": {"installed": False}}, "PEC is not installed in C:\\Program Files\\e-SUS\\webserver"),
        ({"dest": {"kind": "folder"}}, "3550308.pfx exists and is a folder"),
    ],
)
def test_what_the_observation_shows_can_block_the_deploy_before_any_change(vaulted, change, words):
    result, host = deploy(
        vaulted, host_answers(deploy_observation(**change)["observed"] and deploy_observation(**change))
    )
    assert result["failed"] and words in result["msg"] and "Nothing was changed" in result["msg"], result["msg"]
    assert [module for module, _args in host.calls] == ["esus.pec.win_chaves_certificate"]  # the look only


def test_the_checker_catches_a_call_the_ps1_would_refuse(vaulted):
    _result, host = deploy(vaulted)
    sent = dict(host.calls[1][1])
    sent["remove_other"] = True
    sent["backups"] = "two"
    del sent["checksum"]
    problems = ps1_problems(DEPLOY_PS1, sent)
    assert any("remove_other" in p for p in problems)
    assert any("checksum" in p for p in problems)
    assert any("backups" in p for p in problems)


def test_deploy_sends_the_names_the_host_resolves_then_the_sddl_with_their_sids(vaulted):
    observed = deploy_observation(sids={SERVICE: SERVICE_SID, "S-1-5-19": "S-1-5-19"})
    _result, host = deploy(
        vaulted,
        host_answers(observed),
        windows_principals=[{"user": SERVICE, "rights": "Modify"}, {"user": "S-1-5-19"}],
    )
    assert host.calls[0][1]["principals"] == [SERVICE, "S-1-5-19"]
    filled = windows_acl.parse(host.calls[1][1]["sddl"])
    assert filled["owner"] == windows_acl.ADMINISTRATORS and filled["protected"]
    assert [(sid, mask) for _kind, _flags, mask, sid in filled["explicit"]] == sorted(
        [
            (windows_acl.SYSTEM, windows_acl.FULL_CONTROL),
            (windows_acl.ADMINISTRATORS, windows_acl.FULL_CONTROL),
            (SERVICE_SID, 0x1301BF),
            ("S-1-5-19", 0x120089),  # no rights given: Read (issue 27: it was FullControl, WRITE_DAC included)
        ],
        key=lambda ace: (ace[0], ace[1]),
    )


@pytest.mark.parametrize(
    "principal, words",
    [
        ({"user": SERVICE, "rights": "FullControll"}, "'FullControll' is not a file system right"),
        ({"user": "S-1-5-32-545", "rights": "Read"}, "Users would open chaves"),
        ({"user": "Everyone"}, "Everyone would open chaves"),
        ({"user": "Usuários", "rights": "Read"}, "Usuários would open chaves"),
        ({"user": "S-1-5-21-1-2-3-513", "rights": "Read"}, "Domain Users would open chaves"),  # issue 27
        ({"user": "S-1-2-0"}, "LOCAL would open chaves"),
        ({"user": SERVICE, "rights": "FullControl"}, "set allow_permission_changes: true"),
    ],
)
def test_bad_principals_fail_before_the_host_is_reached(vaulted, principal, words):
    result, host = deploy(vaulted, windows_principals=[principal])
    assert result["failed"] and words in result["msg"] and "Nothing was changed" in result["msg"]
    assert "pec-windows-1" in result["msg"]
    assert host.calls == []


def test_full_control_is_given_when_asked_explicitly(vaulted):
    principal = {"user": SERVICE, "rights": "FullControl", "allow_permission_changes": True}
    result, host = deploy(vaulted, windows_principals=[principal])
    assert not result.get("failed"), result.get("msg")
    assert "(A;OICI;FA;;;%s)" % SERVICE_SID in host.calls[1][1]["sddl"]


def test_a_wrong_password_never_reaches_the_windows_host(vaulted):
    result, host = deploy(vaulted, password="errada")
    assert result["failed"] and result["verdict"] == "wrong_password"
    assert host.calls == []


def test_deploy_result_carries_no_certificate_bytes(vaulted):
    result, _host = deploy(vaulted)
    text = json.dumps(result, default=str)
    assert base64.b64encode(vaulted[1]).decode()[:40] not in text
    assert PASSWORD not in text


# - the audit -


def windows_probe(**changes) -> dict:
    """A result in the shape win_pec_probe.ps1 returns (test_probe_answers_have_the_ps1_shape holds it to that)."""
    closed = "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;%s)" % SERVICE_SID  # owner and DACL only
    result = {
        "changed": False,
        "fact_path": rnds_audit.WINDOWS_FACT,
        "user": "PEC01\\Administrador",
        "fact_current": None,
        "sids": {SERVICE: SERVICE_SID},
        "pec": {
            "installed": True,
            "version": "5.3.21",
            "version_source": "webserver\\pec-bundle.jar (manifest)",
            "error": None,
        },
        "service": {"name": "e-SUS-PEC", "state": "active", "detail": "Running, Auto"},
        "time": 1_800_000_000.0,
        "cadsus": {"https": "certmgr", "govbr_login": True, "application_properties": "read"},
        "chaves": {"exists": True, "is_dir": True, "readable": True, "error": None, "sddl": closed},
        "files": [
            {
                "name": "3550308.pfx",
                "size": 1,
                "sha1": "0" * 40,
                "sddl": "O:BAD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1301bf;;;%s)" % SERVICE_SID,
                "readable": True,
                "error": None,
            }
        ],
        "certificate_b64": None,
        "network": [{"host": "ehr-auth.saude.gov.br", "port": 443, "reachable": True, "error": None, "stage": None}],
        "metrics_current": None,  # returned with metrics_path (issue 25)
        "timestamp_error": None,
    }
    result.update(changes)
    return result


def test_probe_answers_have_the_ps1_shape():
    """The fake answers below use exactly the keys win_pec_probe.ps1 returns, at each level."""
    answer = windows_probe()
    assert set(answer) == ps1_result_keys(PROBE_PS1)
    assert set(answer["pec"]) == ps1_hashtable_keys(PROBE_PS1, "pec")
    assert set(answer["chaves"]) == ps1_hashtable_keys(PROBE_PS1, "folder")
    assert set(answer["files"][0]) == ps1_hashtable_keys(HELPERS_PSM1, "entry")  # Get-EsusChavesListing's
    assert set(answer["network"][0]) == ps1_return_keys(PROBE_PS1, "Test-Endpoint")
    # issue 23: every return of these functions has the same keys, and the fake uses exactly those
    for function, fake in (("Test-Endpoint", answer["network"][0]), ("Get-PecService", answer["service"])):
        assert all(keys == set(fake) for keys in ps1_all_return_keys(PROBE_PS1, function)), function
    assert all(keys == {"version", "source"} for keys in ps1_all_return_keys(PROBE_PS1, "Get-PecVersion"))
    source = PROBE_PS1.read_text()
    start, _end = _functions(source)["Get-CadsusConfig"]
    assert _block_keys(source, source.index("return @{", start)) == set(answer["cadsus"])


def test_deploy_answers_have_the_ps1_shape():
    assert ps1_result_keys(DEPLOY_PS1) == {"changed", "observed", "changes", "dest", "backup"}


def _block_keys(source: str, start: int) -> set:
    """Top-level keys of the hashtable literal that opens at or after ``start`` (nested tables skipped)."""
    opening = source.index("@{", start) + 1
    end = _block_end(source, opening)
    depth, keys, index = 0, set(), opening + 1
    for line in source[opening + 1 : end].splitlines():
        if depth == 0:
            keys |= set(re.findall(r"(?:^|;)\s*(\w+)\s*=", line))
        depth += line.count("{") - line.count("}")
        index += len(line) + 1
    return keys


def test_observations_have_the_ps1_shape():
    """The fake observations above use exactly the keys win_chaves_certificate.ps1 returns, at each level, and the
    same as win_pec_probe.ps1's for what both read (so chaves_plan.observation takes either)."""
    source = DEPLOY_PS1.read_text()
    observed = deploy_observation(b"x")["observed"]
    assert set(observed) == _block_keys(
        source, _offset(source, "return @{", _offset(source, "Function Get-Observation"))
    )
    assert set(observed["chaves"]) == ps1_hashtable_keys(DEPLOY_PS1, "folder")
    assert set(observed["files"][0]) == ps1_hashtable_keys(HELPERS_PSM1, "entry")  # one listing for both modules
    for path in (DEPLOY_PS1, PROBE_PS1):
        assert "@(Get-EsusChavesListing -Folder $folder -Path $chaves)" in path.read_text(), path.name
    assert ps1_hashtable_keys(DEPLOY_PS1, "folder") == ps1_hashtable_keys(PROBE_PS1, "folder") | {"path"}
    assert _block_keys(source, _offset(source, "$seen = @{")) == {"chaves", "dest"}


def audit(answer, *, check_mode=False, shell="powershell", **args):
    arguments = {
        "password": PASSWORD,
        "windows_principals": [{"user": SERVICE, "rights": "Modify"}],
        "endpoints": [{"host": "ehr-auth.saude.gov.br"}],
    }
    arguments.update(args)
    return run_action(rnds_audit.ActionModule, arguments, answer, shell=shell, check_mode=check_mode)


def probe_answers(probe: dict, fact_write: dict | None = None):
    def answer(module, sent):
        if "fact_content" in sent:
            return fact_write or {"changed": True, "fact_path": sent["fact_path"]}
        return json.loads(json.dumps(probe))  # a fresh copy, as from the wire

    return answer


def checks(result: dict) -> dict:
    return {c["name"]: c for c in result["rnds_readiness"]["checks"]}


@pytest.mark.parametrize("shell", ["powershell", "cmd"])
def test_audit_calls_fit_the_ps1_spec(shell):
    result, host = audit(probe_answers(windows_probe()), shell=shell)
    assert [module for module, _args in host.calls] == ["esus.pec.win_pec_probe", "esus.pec.win_pec_probe"]
    assert [ps1_problems(PROBE_PS1, sent) for _module, sent in host.calls] == [[], []]
    assert host.calls[0][1]["principals"] == [SERVICE]
    assert "fact_content" in host.calls[1][1]
    assert result["changed"]


TEXTFILE = "C:\\Program Files\\windows_exporter\\textfile_inputs"


@pytest.mark.parametrize("check_mode", [False, True])
def test_audit_with_metrics_calls_fit_the_ps1_spec(check_mode):
    """Issue 25: the probe reads the decision file back and writes the audit's time (not in check mode); the fact's
    execution carries the decision file too; an unchanged host (its fact and file as the audit would write them)
    sees one execution. The .ps1 itself cannot run here (no PowerShell): its spec and result keys are checked."""
    result, host = audit(probe_answers(windows_probe()), check_mode=check_mode, metrics_dir=TEXTFILE)
    assert [ps1_problems(PROBE_PS1, sent) for _module, sent in host.calls] == [[]] * len(host.calls)
    look = host.calls[0][1]
    assert look["metrics_path"] == TEXTFILE + "\\esus_pec_rnds.prom"
    assert look["timestamp_path"] == TEXTFILE + "\\esus_pec_rnds_audit.prom"
    assert ("timestamp_content" in look) is not check_mode
    assert result["metrics_changed"] and result["changed"]
    if check_mode:
        assert len(host.calls) == 1
        return
    written = host.calls[1][1]
    assert written["metrics_path"] == look["metrics_path"] and "esus_pec_rnds_ready{" in written["metrics_content"]
    unchanged = windows_probe(fact_current=written["fact_content"], metrics_current=written["metrics_content"])
    result, host = audit(probe_answers(unchanged), metrics_dir=TEXTFILE)
    assert len(host.calls) == 1 and not result["changed"]


def test_a_linux_audit_calls_fit_pec_probe():
    documented = specs(("esus.pec.pec_probe",))["esus.pec.pec_probe"]
    for windows in (False,):
        module, sent = rnds_audit.probe_call(
            windows,
            "/opt/e-SUS/webserver",
            [{"host": "x"}],
            {"network_timeout": 2.0, "pec_config": "/etc/pec.config"},
            "/f",
            [],
        )
        assert argument_problems(module, sent, documented, strict=True) == []
        module, sent = rnds_audit.fact_call(windows, "/f", {"rnds_ready": True})
        assert argument_problems(module, sent, documented, strict=True) == []
        module, sent = rnds_audit.fact_call(windows, "/f", {"rnds_ready": True}, ("/m/esus_pec_rnds.prom", "x 1\n"))
        assert argument_problems(module, sent, documented, strict=True) == []
        module, sent = rnds_audit.fact_call(windows, "/f", None, ("/m/esus_pec_rnds.prom", "x 1\n"))
        assert argument_problems(module, sent, documented, strict=True) == [] and "fact" not in sent


def test_the_trust_check_asks_linux_hosts_for_pecs_own_cacerts_and_windows_hosts_nothing():
    """issue 23, item 3: the store beside the PEC folder unless named; no endpoint (network off), no trust look;
    a Windows host is asked nothing new (the .ps1 takes no such option) and says trust.windows."""
    documented = specs(("esus.pec.pec_probe",))["esus.pec.pec_probe"]
    args = {"network_timeout": 2.0, "pec_config": "/etc/pec.config", "check_trust": True, "jre_cacerts": ""}
    module, sent = rnds_audit.probe_call(False, "/opt/e-SUS/webserver", [{"host": "x"}], args, "/f", [])
    assert sent["trust_store"] == "/opt/e-SUS/jre/current/lib/security/cacerts"
    assert argument_problems(module, sent, documented, strict=True) == []
    named = dict(args, jre_cacerts="/srv/jre/cacerts")
    assert rnds_audit.probe_call(False, "/srv/pec/webserver/", [{"host": "x"}], named, "/f", [])[1]["trust_store"] == (
        "/srv/jre/cacerts"
    )
    assert "trust_store" not in rnds_audit.probe_call(False, "/opt/e-SUS/webserver", [], args, "/f", [])[1]
    _module, sent = rnds_audit.probe_call(True, "C:\\e-SUS\\webserver", [{"host": "x"}], args, "C:\\f", [])
    assert "trust_store" not in sent and ps1_problems(PROBE_PS1, sent) == []
    result, _host = audit(probe_answers(windows_probe()), check_trust=True)
    assert checks(result)["trust"]["code"] == "trust.windows"
    result, _host = audit(probe_answers(windows_probe()))
    assert "trust" not in checks(result)


def test_a_windows_host_in_order():
    result, _host = audit(probe_answers(windows_probe()))
    by_name = checks(result)
    assert by_name["certificate"]["status"] == "unknown"  # no bytes in this answer (see the next test)
    assert by_name["chaves"]["status"] == "pass", by_name["chaves"]["reason"]
    assert by_name["pec"]["reason"] == "PEC 5.3.21 installed in C:\\Program Files\\e-SUS\\webserver."


def test_the_certificate_read_from_a_windows_host_is_judged_and_dropped(vaulted):
    data = vaulted[1]
    probe = windows_probe(certificate_b64=base64.b64encode(data).decode())
    result, _host = audit(probe_answers(probe))
    assert result["rnds_ready"], result["rnds_readiness"]["reasons"]
    assert result["rnds_readiness"]["verdict"] == "ok"
    text = json.dumps(result, default=str)
    assert base64.b64encode(data).decode()[:40] not in text and PASSWORD not in text


def test_check_mode_audit_is_one_execution_and_writes_nothing():
    result, host = audit(probe_answers(windows_probe()), check_mode=True)
    assert [module for module, _args in host.calls] == ["esus.pec.win_pec_probe"]
    assert host.commands == []  # the Linux direct probe is never tried on Windows
    assert "fact_content" not in host.calls[0][1]
    assert result["changed"] is True  # what a real run would do: write the (first) fact


def test_the_audit_puts_the_host_in_its_group_in_the_same_task():
    # up to ansible-core 2.20 the strategy reads add_group from the result; 2.21 and later need the action to add it
    itself = hasattr(rnds_audit.ActionModule, "add_group")
    ready, host = audit(probe_answers(windows_probe()), add_to_group=True)
    assert (ready["add_group"], ready["parent_groups"]) == ("rnds_ready", ["all"])
    assert host.groups == ([("rnds_ready", ["all"])] if itself else [])
    probe = windows_probe(pec={"installed": False, "version": None, "version_source": "x", "error": None})
    not_ready, host = audit(probe_answers(probe), add_to_group=True)
    assert not_ready["add_group"] == "rnds_not_ready"
    assert host.groups == ([("rnds_not_ready", ["all"])] if itself else [])
    plain, host = audit(probe_answers(windows_probe()))
    assert "add_group" not in plain and host.groups == []


def test_an_unchanged_fact_is_not_written_again():
    first, host = audit(probe_answers(windows_probe()))
    written = host.calls[1][1]["fact_content"]
    assert json.loads(written)["pec_status"] == first["rnds_readiness"]["pec_status"]
    assert written == fact_text(json.loads(written))
    again, host = audit(probe_answers(windows_probe(fact_current=written)))
    assert [module for module, _args in host.calls] == ["esus.pec.win_pec_probe"]
    assert again["changed"] is False


def test_a_fact_that_cannot_be_written_is_a_reason():
    failed = {"failed": True, "msg": "the local fact C:\\ProgramData\\... could not be written: Access denied"}
    result, _host = audit(probe_answers(windows_probe(), fact_write=failed))
    assert any("could not be written" in reason for reason in result["rnds_readiness"]["reasons"])


def test_an_access_denied_is_an_error_not_an_absence():
    probe = windows_probe(
        pec={
            "installed": False,
            "version": None,
            "version_source": "the Windows uninstall registry",
            "error": "Access to the path 'C:\\Program Files\\e-SUS\\webserver' is denied.",
        }
    )
    result, _host = audit(probe_answers(probe))
    reason = checks(result)["pec"]["reason"]
    assert "is denied" in reason and "not installed" not in reason


def test_a_failed_probe_fails_the_task_naming_the_host():
    result, _host = audit(
        lambda module, sent: {"failed": True, "msg": "WinRM: the WS-Management service cannot process"}
    )
    assert result["failed"] and "pec-windows-1" in result["msg"] and "WS-Management" in result["msg"]


def test_an_unresolvable_principal_is_said():
    result, _host = audit(probe_answers(windows_probe(sids={SERVICE: None})))
    reason = checks(result)["chaves"]["reason"]
    assert checks(result)["chaves"]["status"] == "warn" and "cannot resolve NT SERVICE\\e-SUS-PEC" in reason


def test_principals_given_by_name_match_their_sids_on_the_host():
    """The role passes names; the descriptor holds SIDs: the audit compares SIDs (the old audit did not)."""
    result, _host = audit(probe_answers(windows_probe()))
    assert checks(result)["chaves"]["status"] == "pass"


def test_all_application_packages_is_named_not_an_exception():
    probe = windows_probe()
    probe["chaves"]["sddl"] += "(A;OICI;0x1200a9;;;AC)"
    result, _host = audit(probe_answers(probe))
    assert "ALL APPLICATION PACKAGES (S-1-15-2-1)" in checks(result)["chaves"]["reason"]


def test_a_certificate_with_an_ace_of_its_own_is_flagged():
    probe = windows_probe()
    probe["files"][0]["sddl"] = "O:BAD:AI(A;;FA;;;BU)(A;ID;FA;;;SY)(A;ID;FA;;;BA)"
    result, _host = audit(probe_answers(probe))
    assert "3550308.pfx: also has allow Users (S-1-5-32-545) FullControl" in checks(result)["chaves"]["reason"]


def test_upper_case_certificate_names_count_as_certificates():
    probe = windows_probe()
    probe["files"][0]["name"] = "3550308.PFX"
    result, _host = audit(probe_answers(probe))
    assert checks(result)["certificate_file"]["status"] == "pass"


# - the ansible.windows tasks of molecule/windows -


def windows_tasks() -> list:
    found = []
    for path in sorted((REPO / "molecule" / "windows").glob("*.yml")):
        for play in DataLoader().load_from_file(str(path)) or []:
            for task in play.get("tasks", []) if isinstance(play, dict) else []:
                for module, arguments in task.items():
                    if module.startswith("ansible.windows."):
                        found.append((path.name, task["name"], module, arguments))
    return found


def test_molecule_windows_tasks_fit_the_installed_ansible_windows_ps1():
    """Every ansible.windows task of the scenario, against the spec in the module's own .ps1 (templated values
    are left out of the type checks: they are only known on the host)."""
    tasks = windows_tasks()
    assert {module for _f, _n, module, _a in tasks} >= {
        "ansible.windows.win_file",
        "ansible.windows.win_group",
        "ansible.windows.win_stat",
        "ansible.windows.win_acl",
        "ansible.windows.win_copy",
        "ansible.windows.win_powershell",
    }
    problems = []
    for filename, name, module, arguments in tasks:
        concrete = {k: v for k, v in arguments.items() if not (isinstance(v, str) and "{{" in v)}
        options = module_spec(ansible_windows_module(module))["options"]
        if module == "ansible.windows.win_copy":  # its action plugin takes these and sends the .ps1 others
            options = dict(options, src={"type": "str"}, decrypt={"type": "bool"})
        missing = [k for k in arguments if k not in concrete]
        problems += [
            "%s: %s: %s" % (filename, name, p)
            for p in argument_problems(module, concrete, options, ignore_case=True)
            if not any(repr(k) in p for k in missing)
        ]
    assert problems == []


def test_windows_service_state_and_version_source_reach_the_verdict():
    """Issue 23: the service manager's state decides (a stopped PEC sends nothing), the version comes from the
    webserver files or says why it is unknown, never the uninstall registry; no pec.config is expected there."""
    stopped = windows_probe(service={"name": "e-SUS-PEC", "state": "inactive", "detail": "Stopped, Auto"})
    result, host = audit(probe_answers(stopped))
    assert host.calls[0][1]["service"] == "e-SUS-PEC"
    assert checks(result)["service"]["code"] == "service.inactive" and not result["rnds_ready"]
    assert checks(result)["pec_config"]["code"] == "pec_config.not_checked"
    why = "no version in webserver\\pec-bundle.jar (manifest) nor webserver\\service.xml"
    unknown = windows_probe(pec={"installed": True, "version": None, "version_source": why, "error": None})
    result, _host = audit(probe_answers(unknown))
    assert "pec-bundle.jar" in checks(result)["pec"]["reason"] and result["rnds_ready"]
    assert "Uninstall" not in PROBE_PS1.read_text()
    no_login = windows_probe(cadsus={"https": "certmgr", "govbr_login": False, "application_properties": "read"})
    result, _host = audit(probe_answers(no_login))
    readiness = result["rnds_readiness"]
    assert readiness["cadsus_codes"] == ["cadsus.no_govbr_login"] and readiness["cadsus_ready"] is False
