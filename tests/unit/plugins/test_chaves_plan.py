# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one rule of the deploy and the audit (plugins/plugin_utils/chaves_plan.py), with plain dicts.

No folder, no PowerShell: each decision is fed an observation in the one shape both systems give and a wish."""

from __future__ import annotations

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils.chaves_plan import (
    Blocker,
    Change,
    Finding,
    audit_certificate_file,
    audit_chaves,
    expectation,
    observation,
    plan,
)
from ansible_collections.esus.pec.plugins.plugin_utils.chaves_words import blocker_message, describe, diff
from ansible_collections.esus.pec.plugins.plugin_utils.readiness_codes import CODES
from ansible_collections.esus.pec.plugins.plugin_utils.windows_acl import FILE_SDDL

SHA1 = "a" * 40
SERVICE = "NT SERVICE\\e-SUS-PEC"
SERVICE_SID = "S-1-5-80-1-2-3-4-5"
CHAVES_SDDL = "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;%s)" % SERVICE_SID
# as Windows prints them: group and inherited ACEs too
SEEN_CHAVES_SDDL = "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;%s)" % SERVICE_SID
SEEN_FILE_SDDL = "O:BAD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1301bf;;;%s)" % SERVICE_SID


def linux_wish(**changes) -> dict:
    wish = {
        "windows": False,
        "pec_root": "/opt/e-SUS/webserver",
        "create_pec_root": False,
        "dest_name": "3550308.pfx",
        "checksum": SHA1,
        "size": 3208,
        "remove_others": False,
        "owner": "root",
        "group": "root",
        "dir_mode": "0750",
        "file_mode": "0600",
    }
    wish.update(changes)
    return wish


def windows_wish(**changes) -> dict:
    wish = linux_wish(windows=True, pec_root="C:\\Program Files\\e-SUS\\webserver")
    for key in ("owner", "group", "dir_mode", "file_mode"):
        del wish[key]
    wish.update(sddl=CHAVES_SDDL, file_sddl=FILE_SDDL, principals=[SERVICE])
    wish.update(changes)
    return wish


def linux_file(name="3550308.pfx", **changes) -> dict:
    entry = {"name": name, "size": 3208, "sha1": SHA1, "readable": True, "owner": "root", "group": "root"}
    entry["mode"] = "0600"
    entry.update(changes)
    return entry


def windows_file(name="3550308.pfx", **changes) -> dict:
    entry = {"name": name, "size": 3208, "sha1": SHA1, "readable": True, "sddl": SEEN_FILE_SDDL, "error": None}
    entry.update(changes)
    return entry


def linux_host(files=None, chaves=None, **changes) -> dict:
    seen = {
        "pec_root": {"exists": True},
        "chaves": {"exists": True, "is_dir": True, "readable": True, "owner": "root", "group": "root", "mode": "0750"},
        "dest": {"kind": "file"},
        "files": [linux_file()] if files is None else files,
        "accounts": {"owner": True, "group": True},
        "sids": {},
    }
    seen["chaves"].update(chaves or {})
    seen.update(changes)
    return seen


def windows_host(files=None, chaves=None, **changes) -> dict:
    seen = {
        "pec_root": {"exists": True},
        "chaves": {"exists": True, "is_dir": True, "readable": True, "error": None, "sddl": SEEN_CHAVES_SDDL},
        "dest": {"kind": "file"},
        "files": [windows_file()] if files is None else files,
        "accounts": {},
        "sids": {SERVICE: SERVICE_SID},
    }
    seen["chaves"].update(chaves or {})
    seen.update(changes)
    return seen


def codes(decided) -> list:
    return [c.value for c in decided.changes] + [b.code.value for b in decided.blockers]


HOSTS = {"linux": (linux_host, linux_wish, linux_file), "windows": (windows_host, windows_wish, windows_file)}


@pytest.fixture(params=sorted(HOSTS))
def system(request):
    return HOSTS[request.param]


# - the deploy's decision, the same for both systems -


def test_a_host_as_wished_needs_nothing(system):
    host, wish, _file = system
    decided = plan(host(), wish())
    assert (decided.changes, decided.needs_bytes, decided.blockers, decided.stale, decided.others) == (
        (),
        False,
        (),
        (),
        (),
    )


def test_a_fresh_host_gets_chaves_then_the_certificate_and_needs_the_bytes(system):
    host, wish, _file = system
    decided = plan(host(files=[], chaves={"exists": False, "is_dir": False}, dest={"kind": "absent"}), wish())
    assert codes(decided) == ["chaves.create", "certificate_file.install"]
    assert decided.needs_bytes


def test_no_pec_is_a_blocker_unless_the_tree_may_be_created(system):
    host, wish, _file = system
    fresh = host(pec_root={"exists": False}, files=[], chaves={"exists": False, "is_dir": False})
    assert codes(plan(fresh, wish())) == ["pec.not_installed"]
    assert codes(plan(fresh, wish(create_pec_root=True))) == ["chaves.create", "certificate_file.install"]


@pytest.mark.parametrize(
    "what, expected",
    [
        ({"sha1": "b" * 40}, "certificate_file.replace"),
        ({"size": 3207}, "certificate_file.replace"),
        ({"sha1": None, "readable": False}, "certificate_file.replace"),
    ],
)
def test_other_bytes_are_a_renewal_that_needs_the_bytes(system, what, expected):
    host, wish, file = system
    decided = plan(host(files=[file(**what)]), wish())
    assert codes(decided) == [expected] and decided.needs_bytes


def test_a_checksum_given_in_capitals_is_the_same_certificate(system):
    host, wish, _file = system
    assert codes(plan(host(), wish(checksum=SHA1.upper()))) == []


@pytest.mark.parametrize("key, value", [("owner", "pec"), ("group", "pec"), ("mode", "0755")])
def test_linux_permissions_of_chaves_and_of_the_file(key, value):
    assert codes(plan(linux_host(chaves={key: value}), linux_wish())) == ["chaves.permissions"]
    decided = plan(linux_host(files=[linux_file(**{key: value})]), linux_wish())
    assert codes(decided) == ["certificate_file.permissions"] and not decided.needs_bytes


def test_a_mode_written_without_its_leading_zero_is_the_same_mode():
    assert codes(plan(linux_host(), linux_wish(dir_mode="750", file_mode="600"))) == []


def test_windows_descriptors_compare_owner_protection_and_explicit_aces_only():
    opened = SEEN_CHAVES_SDDL + "(A;OICI;FA;;;BU)"
    assert codes(plan(windows_host(chaves={"sddl": opened}), windows_wish())) == ["chaves.permissions"]
    inheriting = SEEN_CHAVES_SDDL.replace("D:PAI", "D:AI")
    assert codes(plan(windows_host(chaves={"sddl": inheriting}), windows_wish())) == ["chaves.permissions"]
    own_ace = windows_file(sddl="O:BAD:AI(A;;FA;;;BU)(A;ID;FA;;;SY)")
    assert codes(plan(windows_host(files=[own_ace]), windows_wish())) == ["certificate_file.permissions"]
    other_owner = windows_file(sddl=SEEN_FILE_SDDL.replace("O:BA", "O:S-1-5-21-1-2-3-1001"))
    assert codes(plan(windows_host(files=[other_owner]), windows_wish())) == ["certificate_file.permissions"]
    unread = plan(windows_host(chaves={"sddl": None}), windows_wish())
    assert codes(unread) == ["chaves.permissions"]  # what cannot be read is written


def test_file_names_compare_as_each_system_does():
    upper = [windows_file("3550308.PFX")]
    assert codes(plan(windows_host(files=upper), windows_wish())) == []  # the same file on NTFS
    decided = plan(linux_host(files=[linux_file("3550308.PFX")]), linux_wish())
    assert codes(decided) == ["certificate_file.install"]  # another file on Linux
    assert decided.others == ()  # as PEC lists them, the same name: not "another certificate"


def test_a_renewal_does_not_also_fix_the_file_permissions(system):
    host, wish, file = system
    wrong = {"mode": "0644"} if wish()["windows"] is False else {"sddl": "O:BAD:AI(A;;FA;;;BU)"}
    decided = plan(host(files=[file(sha1="b" * 40, **wrong)]), wish())
    assert codes(decided) == ["certificate_file.replace"]  # the new file is written with the right ones


def test_staging_files_are_removed_and_named(system):
    host, wish, file = system
    stale = [file(), file(".esus-pec-staging-0123456789ab"), file(".esus-pec-staging-ba9876543210")]
    decided = plan(host(files=stale), wish())
    assert codes(decided) == ["staging.remove"]
    assert decided.stale == (".esus-pec-staging-0123456789ab", ".esus-pec-staging-ba9876543210")


def test_other_certificates_are_named_and_removed_only_on_request(system):
    host, wish, file = system
    files = [file(), file("antigo.P12"), file("ca.cer"), file("3550308.pfx.20260101T000000Z~")]
    kept = plan(host(files=files), wish())
    assert codes(kept) == [] and kept.others == ("antigo.P12",)
    removed = plan(host(files=files), wish(remove_others=True))
    assert codes(removed) == ["others.remove"] and removed.others == ("antigo.P12",)


def test_changes_come_in_the_order_they_are_applied(system):
    host, wish, file = system
    wrong = {"owner": "pec"} if not wish()["windows"] else {"sddl": "O:BAD:AI(A;OICI;FA;;;BU)"}
    files = [file(sha1="b" * 40), file(".esus-pec-staging-0123456789ab"), file("antigo.pfx")]
    decided = plan(host(files=files, chaves=wrong), wish(remove_others=True))
    assert codes(decided) == [
        "chaves.permissions",
        "certificate_file.replace",
        "staging.remove",
        "others.remove",
    ]


@pytest.mark.parametrize(
    "seen, expected",
    [
        ({"chaves": {"exists": True, "is_dir": False}}, "chaves.not_a_folder"),
        ({"chaves": {"exists": True, "is_dir": True, "readable": False, "error": "denied"}}, "chaves.unreadable"),
        ({"dest": {"kind": "folder"}}, "dest.is_a_folder"),
        ({"dest": {"kind": "other"}}, "dest.not_a_file"),
    ],
)
def test_what_the_deploy_must_not_touch_blocks_it(system, seen, expected):
    host, wish, _file = system
    observed = host()
    for key, value in seen.items():
        observed[key] = value
    decided = plan(observed, wish())
    assert codes(decided) == [expected] and decided.changes == () and not decided.needs_bytes


@pytest.mark.parametrize("name", ["../3550308.pfx", "a/b.pfx", ".", "..", ""])
def test_a_dest_name_that_is_a_path_blocks(system, name):
    host, wish, _file = system
    assert codes(plan(host(), wish(dest_name=name))) == ["dest_name.invalid"]


def test_a_backslash_is_a_path_on_windows_only():
    assert codes(plan(windows_host(), windows_wish(dest_name="a\\b.pfx"))) == ["dest_name.invalid"]
    assert "dest_name.invalid" not in codes(plan(linux_host(), linux_wish(dest_name="a\\b.pfx")))


@pytest.mark.parametrize("mode", ["rwx", "0899", "17777", ""])
def test_a_mode_that_is_not_octal_blocks(mode):
    decided = plan(linux_host(), linux_wish(dir_mode=mode))
    assert codes(decided) == ["mode.invalid"]
    assert decided.blockers[0].values == {"option": "dir_mode", "value": mode}


def test_an_owner_or_group_the_host_does_not_know_blocks():
    decided = plan(linux_host(accounts={"owner": False, "group": True}), linux_wish(owner="pec"))
    assert codes(decided) == ["account.unknown"] and decided.blockers[0].values == {"kind": "owner", "name": "pec"}


def test_windows_principals_the_host_cannot_resolve_or_that_open_chaves_to_all_block():
    unresolved = plan(windows_host(sids={SERVICE: None}), windows_wish())
    assert codes(unresolved) == ["principal.unresolved"] and unresolved.blockers[0].values == {"names": [SERVICE]}
    # a local name the controller could not know is Users (Portuguese Windows: "Usuários")
    broad = plan(windows_host(sids={"PEC01\\Todos": "S-1-1-0"}), windows_wish(principals=["PEC01\\Todos"]))
    assert codes(broad) == ["principal.broad"]
    assert broad.blockers[0].values == {"name": "PEC01\\Todos", "sid": "S-1-1-0"}


def test_blockers_come_together_and_leave_no_change():
    observed = linux_host(pec_root={"exists": False}, dest={"kind": "folder"})
    decided = plan(observed, linux_wish(file_mode="x"))
    assert codes(decided) == ["mode.invalid", "pec.not_installed", "dest.is_a_folder"]
    assert decided.changes == ()


def test_blocker_words_name_the_paths_and_the_fix():
    decided = plan(linux_host(pec_root={"exists": False}, accounts={"owner": False}), linux_wish(owner="pec"))
    said = blocker_message(decided.blockers, "/srv/pec/chaves", "/srv/pec/chaves/3550308.pfx")
    assert "PEC is not installed in /opt/e-SUS/webserver (no such folder)" in said
    assert "Set pec_root to the webserver folder of this PEC, or create_pec_root: true" in said
    assert "/srv/pec/chaves: no such user on this host (pec): fix owner." in said
    unresolved = plan(windows_host(sids={}), windows_wish())
    said = blocker_message(unresolved.blockers, "c", "d")
    assert "cannot resolve 'NT SERVICE\\e-SUS-PEC' to a SID: fix windows_principals." in said
    assert "rnds_certificate" not in said


def test_blocker_words_name_the_callers_variables_too():
    """Called directly, a message names the plugin's option; through a role, the role's variable beside it."""
    names = {
        "pec_root": "rnds_certificate_pec_root",
        "create_pec_root": "rnds_certificate_create_pec_root",
        "owner": "rnds_certificate_owner",
        "file_mode": "rnds_certificate_file_mode",
        "dest_name": "rnds_certificate_dest_name",
        "windows_principals": "rnds_certificate_windows_extra_principals",
    }
    decided = plan(
        linux_host(pec_root={"exists": False}, accounts={"owner": False}), linux_wish(owner="pec", file_mode="x")
    )
    said = blocker_message(decided.blockers, "/srv/pec/chaves", "/srv/pec/chaves/3550308.pfx", names)
    assert "Set pec_root (rnds_certificate_pec_root) to the webserver folder" in said
    assert "or create_pec_root (rnds_certificate_create_pec_root): true" in said
    assert "file_mode (rnds_certificate_file_mode) must be an octal mode such as 0750, not x." in said
    assert "no such user on this host (pec): fix owner (rnds_certificate_owner)." in said
    unresolved = plan(windows_host(sids={}), windows_wish(dest_name="a\\b"))
    said = blocker_message(unresolved.blockers, "c", "d", names)
    assert "fix windows_principals (rnds_certificate_windows_extra_principals)." in said
    assert "dest_name (rnds_certificate_dest_name) must be a file name, not a path: a\\b." in said


def test_every_code_has_its_words():
    for windows in (False, True):
        assert len(describe(list(Change), windows)) == len(Change)
    for blocker in Blocker:
        assert blocker_message([_finding(blocker)], "c", "d")


def _finding(blocker):
    from ansible_collections.esus.pec.plugins.plugin_utils.chaves_plan import Finding

    values = {"pec_root": "r", "error": "e", "dest_name": "n", "option": "o", "value": "v", "kind": "owner"}
    return Finding(blocker, dict(values, name="x", names=["x"], sid="S-1-1-0"))


def test_words_of_the_changes_are_those_the_modules_used():
    assert describe([Change.CHAVES_CREATE, Change.CERTIFICATE_INSTALL], False) == [
        "create chaves",
        "install the certificate",
    ]
    assert describe(["chaves.permissions"], False) == ["set the owner, group and mode of chaves"]
    assert describe(["chaves.permissions"], True) == ["set the security descriptor of chaves"]


# - what the apply step must still find (compare-and-swap) -


def test_the_expectation_is_what_was_observed():
    assert expectation(linux_host(), linux_wish()) == {
        "chaves": {"owner": "root", "group": "root", "mode": "0750"},
        "dest": {"sha1": SHA1, "size": 3208, "owner": "root", "group": "root", "mode": "0600"},
    }
    assert expectation(windows_host(files=[windows_file("3550308.PFX")]), windows_wish()) == {
        "chaves": {"sddl": SEEN_CHAVES_SDDL},
        "dest": {"sha1": SHA1, "size": 3208, "sddl": SEEN_FILE_SDDL},
    }
    fresh = linux_host(files=[], chaves={"exists": False, "is_dir": False})
    assert expectation(fresh, linux_wish()) == {"chaves": None, "dest": None}


# - --diff: metadata and SHA-1, never bytes -


def test_the_diff_says_before_and_after():
    shown = diff(linux_host(chaves={"mode": "0777"}), linux_wish(), "/c", "/c/3550308.pfx")
    assert shown == {
        "before": "/c: owner root, group root, mode 0777\n/c/3550308.pfx: owner root, group root, mode 0600, sha1 %s\n"
        % SHA1,
        "after": "/c: owner root, group root, mode 0750\n/c/3550308.pfx: owner root, group root, mode 0600, sha1 %s\n"
        % SHA1,
    }
    fresh = diff(windows_host(files=[], chaves={"exists": False}), windows_wish(), "C:\\c", "C:\\c\\x")
    assert fresh["before"] == "C:\\c: absent\nC:\\c\\x: absent\n"
    assert fresh["after"] == "C:\\c: %s\nC:\\c\\x: %s, sha1 %s\n" % (CHAVES_SDDL, FILE_SDDL, SHA1)


# - the one shape, from each look -


def test_every_look_becomes_the_one_shape():
    linux_probe = {
        "pec": {"installed": True, "version": None},
        "chaves": {"path": "/c", "exists": True},
        "files": [],
        "user": "root",
        "dest": {"kind": "absent"},
        "accounts": {"owner": True, "group": True},
    }
    windows_probe = {"pec": {"installed": False}, "chaves": {"exists": False}, "files": [], "sids": {SERVICE: None}}
    assert observation(linux_probe) == {
        "pec_root": {"exists": True},
        "chaves": {"path": "/c", "exists": True},
        "dest": {"kind": "absent"},
        "files": [],
        "accounts": {"owner": True, "group": True},
        "sids": {},
        "user": "root",  # who looked: the audit says who could not read
    }
    assert observation(windows_probe)["user"] is None
    assert observation(windows_probe)["pec_root"] == {"exists": False}
    assert observation(windows_probe)["dest"] == {"kind": "absent"}  # the audit's probe does not look for it
    assert observation(windows_probe)["sids"] == {SERVICE: None}


# - the audit's checks, from the same rule: the codes of readiness_codes, one per check -


def test_the_audit_passes_a_host_the_deploy_would_leave_alone(system):
    host, wish, _file = system
    found = audit_chaves(host(), wish())
    assert found.code in ("chaves.ok", "chaves.descriptor_ok") and CODES[found.code].status == "pass"
    assert audit_certificate_file(host()) == (
        Finding("certificate_file.ok", {"name": "3550308.pfx"}),
        host()["files"][0],
    )


@pytest.mark.parametrize(
    "chaves, expected",
    [
        ({"exists": False, "is_dir": False}, "chaves.missing"),
        ({"exists": True, "is_dir": False, "readable": False, "error": "denied"}, "chaves.unreadable"),
        ({"exists": True, "is_dir": False, "readable": True}, "chaves.not_a_folder"),
    ],
)
def test_the_audit_says_what_chaves_is(system, chaves, expected):
    host, wish, _file = system
    observed = host()
    observed["chaves"] = chaves
    assert audit_chaves(observed, wish()).code == expected
    assert (CODES[expected].check, CODES[expected].status) == ("chaves", "fail")


def test_the_audit_finds_the_permissions_the_deploy_would_fix():
    found = audit_chaves(linux_host(chaves={"mode": "0755"}), linux_wish())
    assert found.code == "chaves.permissions" and CODES["chaves.permissions"].status == "warn"
    assert found.values == {"seen": "root:root 0755", "wanted": "root:root 0750"}
    assert plan(linux_host(chaves={"mode": "0755"}), linux_wish()).changes == (Change.CHAVES_PERMISSIONS,)
    # one rule: a mode written without its leading 0 is the same mode for the deploy and for the audit
    assert audit_chaves(linux_host(), linux_wish(dir_mode="750")).code == "chaves.ok"
    assert plan(linux_host(), linux_wish(dir_mode="750")).changes == ()
    unknown = audit_chaves(linux_host(chaves={"owner": None}), linux_wish())
    assert unknown.code == "chaves.owner_not_read" and CODES[unknown.code].status == "unknown"
    file_ace = windows_file(sddl="O:BAD:AI(A;;FA;;;BU)(A;ID;FA;;;SY)")
    found = audit_chaves(windows_host(files=[file_ace], sids={}), windows_wish())
    assert found.code == "chaves.descriptor" and CODES[found.code].status == "warn"
    problems = found.values["problems"].split("; ")
    assert problems[0].startswith("3550308.pfx: also has allow Users (S-1-5-32-545) FullControl")
    assert problems[-1] == "this host cannot resolve NT SERVICE\\e-SUS-PEC to a SID"
    assert plan(windows_host(files=[file_ace]), windows_wish()).changes == (Change.CERTIFICATE_PERMISSIONS,)
    unread = audit_chaves(windows_host(chaves={"sddl": None, "error": "denied"}), windows_wish())
    assert unread == Finding("chaves.descriptor_not_read", {"error": "denied"})


def test_the_audit_names_chaves_by_its_path_in_descriptor_problems():
    observed = windows_host(chaves={"path": "C:\\PEC\\chaves", "sddl": SEEN_CHAVES_SDDL + "(A;OICI;FA;;;BU)"})
    found = audit_chaves(observed, windows_wish())
    assert found.values["problems"].startswith("C:\\PEC\\chaves: also has allow Users (S-1-5-32-545)")


@pytest.mark.parametrize(
    "names, expected, values",
    [
        ([], "certificate_file.missing", {}),
        (["ca.cer"], "certificate_file.certificate_only", {"names": "ca.cer"}),
        (["b.P12", "a.pfx"], "certificate_file.several", {"count": 2, "names": "a.pfx, b.P12"}),
    ],
)
def test_the_audit_says_which_certificate_file_there_is(system, names, expected, values):
    host, _wish, file = system
    found, single = audit_certificate_file(host(files=[file(name) for name in names]))
    assert found == Finding(expected, values) and single is None
    assert (CODES[expected].check, CODES[expected].status) == ("certificate_file", "fail")


def test_the_audit_reads_unreadable_and_stray_certificates(system):
    host, _wish, file = system
    found, single = audit_certificate_file(dict(host(files=[file(readable=False, sha1=None)]), user="pecadmin"))
    assert found == Finding("certificate_file.unreadable", {"names": "3550308.pfx", "user": "pecadmin"})
    assert single is None
    found, single = audit_certificate_file(host(files=[file(), file("ca.cer")]))
    assert found.code == "certificate_file.stray" and single["name"] == "3550308.pfx"
    assert found.values == {"name": "3550308.pfx", "names": "ca.cer"} and CODES[found.code].status == "warn"
    observed = host()
    observed["chaves"] = {"exists": True, "is_dir": True, "readable": False, "error": "denied"}
    found, single = audit_certificate_file(observed)
    assert found == Finding("certificate_file.unlistable", {"user": None, "error": "denied"}) and single is None
    found, _single = audit_certificate_file(host(chaves={"exists": False}))
    assert found.code == "certificate_file.no_chaves" and CODES[found.code].status == "unknown"


# Observations that reach every code of the two checks (a code no observation gives would be dead, one the
# tables do not know would break the report)
REACH = [
    (linux_host, linux_wish, {}),
    (linux_host, linux_wish, {"chaves": {"exists": False}}),
    (linux_host, linux_wish, {"chaves": {"exists": True, "is_dir": False, "readable": False}}),
    (linux_host, linux_wish, {"chaves": {"exists": True, "is_dir": False}}),
    (linux_host, linux_wish, {"chaves": {"exists": True, "is_dir": True, "readable": False}}),
    (linux_host, linux_wish, {"chaves": {"exists": True, "is_dir": True, "owner": None}}),
    (linux_host, linux_wish, {"chaves": {"exists": True, "is_dir": True, "owner": "x", "group": "root"}}),
    (linux_host, linux_wish, {"files": []}),
    (linux_host, linux_wish, {"files": [linux_file("a.cer")]}),
    (linux_host, linux_wish, {"files": [linux_file(readable=False)]}),
    (linux_host, linux_wish, {"files": [linux_file(), linux_file("b.p12")]}),
    (linux_host, linux_wish, {"files": [linux_file(), linux_file("a.cer")]}),
    # the inventory's certificate (its SHA-1) among several: the others are a warning (issue 23)
    (linux_host, linux_wish, {"files": [linux_file(), linux_file("b.p12", sha1="0" * 40)], "wanted_sha1": SHA1}),
    (windows_host, windows_wish, {}),
    (windows_host, windows_wish, {"sids": {}}),
    (windows_host, windows_wish, {"chaves": {"exists": True, "is_dir": True, "sddl": None}}),
]


def test_every_code_of_the_two_checks_is_given_and_known():
    given = set()
    for host, wish, changes in REACH:
        changes = dict(changes)
        wanted = changes.pop("wanted_sha1", None)
        observed = dict(host(), **changes)
        given |= {audit_chaves(observed, wish()).code, audit_certificate_file(observed, wanted)[0].code}
    known = {code for code, known in CODES.items() if known.check in ("chaves", "certificate_file")}
    assert given == known - {"chaves.not_checked", "certificate_file.not_checked"}  # not_checked: PEC missing


def test_the_host_parts_know_every_change_in_the_order_they_apply_them():
    """The controller's Change codes, the Linux module's apply choices and the .ps1's are one list."""
    from ansible_collections.esus.pec.plugins.module_utils._argspec import chaves_certificate_spec
    from ansible_collections.esus.pec.plugins.module_utils.chaves_options import CHANGES
    from tests.support.collection import REPO
    from tests.support.powershell import module_spec

    assert [change.value for change in Change] == list(CHANGES)
    assert chaves_certificate_spec()["apply"]["choices"] == list(CHANGES)
    windows = module_spec(REPO / "plugins" / "modules" / "win_chaves_certificate.ps1")["options"]
    assert list(windows["apply"]["choices"]) == list(CHANGES)
