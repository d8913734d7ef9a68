# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one security descriptor of chaves: built, parsed and compared (plugin_utils/windows_acl.py).

The SDDL strings of the "as Windows prints it" cases are written the way Windows' own
ConvertSecurityDescriptorToStringSecurityDescriptor prints them (aliases such as BA, SY, BU, AC; FA for full
control; hex masks otherwise). Whether a real host prints exactly these for our folders is for molecule/windows.
"""

from __future__ import annotations

import pytest

from ansible_collections.esus.pec.plugins.plugin_utils import windows_acl as w

SERVICE_SID = "S-1-5-80-1-2-3-4-5"


def test_the_chaves_descriptor_is_owner_protection_and_exactly_the_intended_aces():
    template, names = w.chaves_template([{"user": "NT SERVICE\\e-SUS-PEC", "rights": "Modify"}])
    assert names == ["NT SERVICE\\e-SUS-PEC"]
    assert template == "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1301bf;;;{0})"
    parsed = w.parse(w.fill(template, [SERVICE_SID]))
    assert parsed["owner"] == w.ADMINISTRATORS
    assert parsed["protected"] is True
    assert parsed["inherited"] == []
    container_and_objects = frozenset({"OI", "CI"})
    assert parsed["explicit"] == sorted(
        [
            ("allow", container_and_objects, w.FULL_CONTROL, w.SYSTEM),
            ("allow", container_and_objects, w.FULL_CONTROL, w.ADMINISTRATORS),
            ("allow", container_and_objects, 0x1301BF, SERVICE_SID),
        ],
        key=lambda ace: (ace[0], ace[3], ace[2]),
    )


def test_the_file_descriptor_owns_nothing_but_its_owner():
    parsed = w.parse(w.FILE_SDDL)
    assert (parsed["owner"], parsed["protected"], parsed["explicit"]) == (w.ADMINISTRATORS, False, [])


def test_principals_named_twice_make_one_ace_and_system_or_administrators_are_not_repeated():
    template, names = w.chaves_template(
        [
            {"user": "PEC\\svc", "rights": "Read"},
            {"user": "pec\\SVC", "rights": "Write"},
            {"user": "S-1-5-18", "rights": "Read"},
            {"user": "s-1-5-32-544"},
        ]
    )
    assert names == ["PEC\\svc"]
    assert template.endswith("(A;OICI;0x12019f;;;{0})")  # Read | Write | Synchronize


@pytest.mark.parametrize(
    "rights, mask",
    [("FullControl", 0x1F01FF), ("Modify", 0x1301BF), ("ReadAndExecute", 0x1200A9), ("Read", 0x120089)],
)
def test_rights_are_the_masks_dotnet_writes(rights, mask):
    assert w.rights_mask(rights) == mask


@pytest.mark.parametrize("rights", ["FullControll", "Full Control", "Modify, Rede"])
def test_misspelt_rights_are_refused(rights):
    with pytest.raises(w.SddlError, match="not a file system right"):
        w.chaves_template([{"user": "x", "rights": rights}])


@pytest.mark.parametrize("user", ["S-1-1-0", "s-1-5-32-545", "Everyone", "BUILTIN\\Users", "Usuários", "Todos"])
def test_broad_groups_are_refused(user):
    with pytest.raises(w.SddlError, match="would open chaves"):
        w.chaves_template([{"user": user, "rights": "Read"}])


CLOSED = "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"


@pytest.mark.parametrize(
    "seen, problems",
    [
        ("O:BAG:SYD:PAI(A;CIOI;FA;;;SY)(A;OICI;FA;;;BA)", []),  # group, flag order: no difference
        ("O:S-1-5-32-544D:PAI(A;OICI;0x1f01ff;;;S-1-5-18)(A;OICI;FA;;;BA)", []),  # SIDs and hex for aliases
        ("O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICIID;FA;;;BU)", []),  # inherited ACEs are not compared
        (
            "O:BAD:AI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICIID;0x1200a9;;;BU)",
            ["it inherits access from its parent folder"],
        ),
        (
            "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)(A;OICIIO;GA;;;CO)",
            [
                "also has allow CREATOR OWNER (S-1-3-0) GenericAll (flags CI IO OI); "
                "allow Users (S-1-5-32-545) ReadAndExecute"
            ],
        ),
        ("O:BAD:PAI(A;OICI;FA;;;SY)", ["lacks allow Administrators (S-1-5-32-544) FullControl"]),
        (
            "O:BAD:PAI(A;OICI;FA;;;SY)(D;OICI;FA;;;BA)(A;OICI;FA;;;BA)",
            ["also has deny Administrators (S-1-5-32-544) FullControl"],
        ),
        (
            "O:BAD:PAI(A;;FA;;;SY)(A;OICI;FA;;;BA)",
            [
                "also has allow SYSTEM (S-1-5-18) FullControl (flags none)",
                "lacks allow SYSTEM (S-1-5-18) FullControl",
            ],
        ),
        (
            "O:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)",
            ["owner is SYSTEM (S-1-5-18), not Administrators (S-1-5-32-544)"],
        ),
        ("D:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", ["owner is unknown, not Administrators (S-1-5-32-544)"]),
        ("O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;XX)", ["its descriptor could not be read ('XX' is not a SID)"]),
        ("", ["its descriptor could not be read (no DACL in '')"]),
        ("O:BAD:PAI(A;OICI;FA;;SY)", ["its descriptor could not be read (ACE 'A;OICI;FA;;SY' has 5 fields, not 6)"]),
    ],
)
def test_differences_in_plain_words(seen, problems):
    assert w.differences(CLOSED, seen) == problems


def test_names_found_on_the_host_are_shown():
    seen = CLOSED + "(A;OICI;FA;;;%s)" % SERVICE_SID
    assert w.differences(CLOSED, seen, {SERVICE_SID: "NT SERVICE\\e-SUS-PEC"}) == [
        "also has allow NT SERVICE\\e-SUS-PEC (%s) FullControl" % SERVICE_SID
    ]


def test_every_alias_and_mask_windows_prints_parses():
    text = "O:BAG:DUD:PAI(A;OICI;FA;;;SY)(A;OICIIO;GA;;;CO)(A;OICI;0x1200a9;;;AC)(A;CI;LCSW;;;AU)(A;;FRFX;;;WD)"
    parsed = w.parse(text)
    assert [ace[3] for ace in parsed["explicit"]] == sorted([w.SYSTEM, "S-1-3-0", "S-1-15-2-1", "S-1-5-11", "S-1-1-0"])
