# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every SID string alias of SDDL is read, and the extra principals are held to what chaves needs (issue 27).

The table below is Microsoft's "SID Strings" table (learn.microsoft.com/windows/win32/secauthz/sid-strings, the
constants of sddl.h), written here independently of plugin_utils/_sddl_sids.py: a well-known alias with its SID,
a domain- or machine-relative one with its RID. Before issue 27 the audit knew 23 aliases; ``O:LA`` (a chaves
made by hand by the built-in Administrator) gave "its descriptor could not be read" instead of naming the owner.
"""

from __future__ import annotations

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils import windows_acl as w

WELL_KNOWN = {
    "AA": "S-1-5-32-579", "AC": "S-1-15-2-1", "AN": "S-1-5-7", "AO": "S-1-5-32-548", "AS": "S-1-18-1",
    "AU": "S-1-5-11", "BA": "S-1-5-32-544", "BG": "S-1-5-32-546", "BO": "S-1-5-32-551", "BU": "S-1-5-32-545",
    "CD": "S-1-5-32-574", "CG": "S-1-3-1", "CO": "S-1-3-0", "CY": "S-1-5-32-569", "ED": "S-1-5-9",
    "ER": "S-1-5-32-573", "ES": "S-1-5-32-576", "HA": "S-1-5-32-578", "HI": "S-1-16-12288", "IS": "S-1-5-32-568",
    "IU": "S-1-5-4", "LS": "S-1-5-19", "LU": "S-1-5-32-559", "LW": "S-1-16-4096", "ME": "S-1-16-8192",
    "MP": "S-1-16-8448", "MS": "S-1-5-32-577", "MU": "S-1-5-32-558", "NO": "S-1-5-32-556", "NS": "S-1-5-20",
    "NU": "S-1-5-2", "OW": "S-1-3-4", "PO": "S-1-5-32-550", "PS": "S-1-5-10", "PU": "S-1-5-32-547",
    "RA": "S-1-5-32-575", "RC": "S-1-5-12", "RD": "S-1-5-32-555", "RE": "S-1-5-32-552", "RM": "S-1-5-32-580",
    "RU": "S-1-5-32-554", "SI": "S-1-16-16384", "SO": "S-1-5-32-549", "SS": "S-1-18-2", "SU": "S-1-5-6",
    "SY": "S-1-5-18", "UD": "S-1-5-84-0-0-0-0-0", "WD": "S-1-1-0", "WR": "S-1-5-33",
}  # fmt: skip
RELATIVE = {
    "AP": 525, "CA": 517, "CN": 522, "DA": 512, "DC": 515, "DD": 516, "DG": 514, "DU": 513, "EA": 519,
    "EK": 527, "KA": 526, "LA": 500, "LG": 501, "PA": 520, "RO": 498, "RS": 553, "SA": 518,
}  # fmt: skip


def test_the_table_is_microsofts_whole_table():
    assert set(w.SID_ALIASES) == set(WELL_KNOWN) | set(RELATIVE)


@pytest.mark.parametrize("alias, sid", sorted(WELL_KNOWN.items()))
def test_a_well_known_alias_is_its_sid_as_owner_and_trustee(alias, sid):
    parsed = w.parse("O:%sD:PAI(A;OICI;FA;;;%s)" % (alias, alias))
    assert parsed["owner"] == sid
    assert parsed["explicit"] == [("allow", frozenset({"OI", "CI"}), w.FULL_CONTROL, sid)]


@pytest.mark.parametrize("alias, rid", sorted(RELATIVE.items()))
def test_a_relative_alias_is_named_never_unreadable(alias, rid):
    problems = w.differences(w.chaves_template([])[0], "O:%sD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)" % alias)
    assert len(problems) == 1 and problems[0].startswith("owner is "), problems
    assert "could not be read" not in problems[0]
    owner = w.parse("O:%sD:P" % alias)["owner"]
    assert owner.startswith("S-1-5-21-<") and owner.endswith("-%d" % rid)
    assert not w._SID.match(owner)  # never taken for a real SID


def test_a_chaves_owned_by_the_built_in_administrator_names_it():
    problems = w.differences(w.chaves_template([])[0], "O:LAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)")
    assert problems == [
        "owner is the built-in Administrator account (S-1-5-21-<this computer>-500), not Administrators (S-1-5-32-544)"
    ]


@pytest.mark.parametrize(
    "user",
    [
        "S-1-2-0",
        "S-1-5-113",
        "S-1-5-114",
        "S-1-5-15",
        "S-1-15-2-2",
        "S-1-5-21-1004336348-1177238915-682003330-513",
        "S-1-5-21-1004336348-1177238915-682003330-514",
        "LOCAL",
        "NT AUTHORITY\\This Organization",
        "NT AUTHORITY\\Local account",
        "PREFEITURA\\Domain Users",
        "PREFEITURA\\Usuários do domínio",
        "APPLICATION PACKAGE AUTHORITY\\ALL RESTRICTED APPLICATION PACKAGES",
    ],
)
def test_broad_groups_missed_before_are_refused(user):
    with pytest.raises(w.SddlError, match="would open chaves"):
        w.chaves_template([{"user": user, "rights": "Read"}])


def test_an_extra_principal_gets_read_by_default():
    template, names = w.chaves_template([{"user": "NT SERVICE\\e-SUS-PEC"}])
    assert template.endswith("(A;OICI;0x120089;;;{0})") and names == ["NT SERVICE\\e-SUS-PEC"]


@pytest.mark.parametrize("rights", ["FullControl", "ChangePermissions", "Read, TakeOwnership", "Modify, FullControl"])
def test_rights_that_can_reopen_chaves_are_refused_unless_asked(rights):
    with pytest.raises(w.SddlError, match="allow_permission_changes"):
        w.chaves_template([{"user": "NT SERVICE\\e-SUS-PEC", "rights": rights}])
    template, _names = w.chaves_template(
        [{"user": "NT SERVICE\\e-SUS-PEC", "rights": rights, "allow_permission_changes": True}]
    )
    assert template.count("{0}") == 1


@pytest.mark.parametrize("rights", ["Read", "ReadAndExecute", "Modify", "Read, Write"])
def test_rights_that_cannot_reopen_chaves_need_nothing_more(rights):
    w.chaves_template([{"user": "NT SERVICE\\e-SUS-PEC", "rights": rights}])
