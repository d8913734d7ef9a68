# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The messages about opening the file with its password: a wrong one, two of them, one Java (PEC) refuses
(not named after the password: the collection tarball test refuses file names that look like secrets).

Private to the collection: no stability promise outside esus.pec. Every message says what is wrong,
where (``label`` names the host and the file) and what to do next. Standard library only.
"""

from __future__ import annotations

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils._verdicts import (
        UNSUPPORTED_ENCRYPTION,
        WRONG_PASSWORD,
        make_report,
    )
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    from _verdicts import UNSUPPORTED_ENCRYPTION, WRONG_PASSWORD, make_report


def wrong_password(label: str, algorithms: dict | None, hint: str = "") -> dict:
    return make_report(
        WRONG_PASSWORD,
        "%s: wrong password%s. PEC would show 'Falha no certificado'. Check the password kept for this "
        "municipality (vault) or export the certificate again." % (label, hint),
        algorithms=algorithms,
    )


def two_passwords(label: str, algorithms: dict | None) -> dict:
    return make_report(
        WRONG_PASSWORD,
        "%s: this password matches the file's integrity code (MAC) but does not decrypt its contents: the file "
        "was exported with two passwords (openssl -twopass), and PEC takes only one. Export it again with a "
        "single password, or give the password of the contents." % label,
        algorithms=algorithms,
    )


def password_java_refuses(label: str) -> tuple[str, str]:
    return (
        UNSUPPORTED_ENCRYPTION,
        "%s: the password is right, but it has characters outside plain ASCII (accents such as 'ç' or 'ã', "
        "emoji, tabs), and Java's PKCS#12 KeyStore, which PEC opens the file with, refuses such a password "
        "('keystore password was incorrect'). Export the certificate again with a password of unaccented "
        "letters, digits and symbols, and keep that one in the vault." % label,
    )
