# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two ways a PKCS#12 envelope fails to be read, and the AlgorithmIdentifier its readers share.

Private to the collection: no stability promise outside esus.pec (``_pkcs12_envelope`` gives its callers
the exceptions). Standard library only.
"""

from __future__ import annotations

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._asn1 import Node, Tag, expect, items, oid
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _asn1 import Node, Tag, expect, items, oid


class Damaged(Exception):
    """The envelope breaks the PKCS#12 schema: the file is damaged (verdict corrupt)."""


class Unsupported(Exception):
    """Readable, but asks for something PEC cannot do or more work than allowed (unsupported_encryption)."""


def algorithm_identifier(node: Node, what: str) -> tuple[str, Node | None]:
    fields = items(expect(node, Tag.SEQUENCE, what), what, 1, 2)
    return oid(fields[0], what), (fields[1] if len(fields) == 2 else None)
