# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The verdict on a PKCS#12 once decrypted: the key Java (PEC) would take, its certificate, their dates
and identity, and the report that says so.

Private to the collection: no stability promise outside esus.pec.
"""

from __future__ import annotations

import datetime

# Not "if __package__": under AnsiballZ on Python 3.9 (zipimport) it is still None while the module runs
if "." in __name__:
    from ansible_collections.esus.pec.plugins.module_utils import _certificate_reading as reading
    from ansible_collections.esus.pec.plugins.module_utils import _icp_identity as icp
    from ansible_collections.esus.pec.plugins.module_utils import _java_pairing as pairing
    from ansible_collections.esus.pec.plugins.module_utils import _java_rules as java_rules
    from ansible_collections.esus.pec.plugins.module_utils import _key_checks as key_checks
    from ansible_collections.esus.pec.plugins.module_utils import _pkcs12_loading as loading
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts as verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_certificate as certificate_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_corrupt as corrupt_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_key as key_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_opening as password_verdicts
    from ansible_collections.esus.pec.plugins.module_utils import _verdicts_unsupported as unsupported_verdicts
else:  # loaded alone from plugins/module_utils (../shared/repro/pkcs12 does that)
    import _certificate_reading as reading
    import _icp_identity as icp
    import _java_pairing as pairing
    import _java_rules as java_rules
    import _key_checks as key_checks
    import _pkcs12_loading as loading
    import _verdicts as verdicts
    import _verdicts_certificate as certificate_verdicts
    import _verdicts_corrupt as corrupt_verdicts
    import _verdicts_key as key_verdicts
    import _verdicts_opening as password_verdicts
    import _verdicts_unsupported as unsupported_verdicts


def _java_password(password: str) -> bool:
    """Java's PBE keys (PKCS12 KeyStore, what PEC opens the file with) take printable ASCII only."""
    return all(" " <= char <= "~" for char in password)


def judge(
    loaded: loading.Loaded,
    password: str,
    label: str,
    algorithms_used: dict | None,
    min_days_valid: int,
    expected_cnpj: str | None,
    now: datetime.datetime | None,
    notes: list[str],
    rules: java_rules.JavaRules = java_rules.DEFAULT,
) -> dict:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    chain_length = len(loaded.certificates)
    if loaded.java_lacks:
        return unsupported_verdicts.cipher_java_lacks(label, loaded.java_lacks, algorithms_used, rules)
    if loaded.java_unreadable:
        return unsupported_verdicts.bag_java_fails_on(label, loaded.java_unreadable[0], chain_length, algorithms_used)
    if len(loaded.entries) > 1:
        return key_verdicts.several_keys(label, len(loaded.entries), chain_length, algorithms_used)
    if loaded.key is None:
        certificate = reading.describe(loaded.certificate, now) if loaded.certificate is not None else None
        nested = [bag for bag in loaded.skipped_keys if bag.nested]
        if nested:
            return key_verdicts.key_java_skips(
                label, "inside a nested bag (safeContentsBag)", certificate, chain_length
            )
        if any(bag.kind == pairing.KEY for bag in loaded.skipped_keys):
            return key_verdicts.key_java_skips(label, "without a localKeyID", certificate, chain_length)
        if loaded.skipped_keys:
            return key_verdicts.unencrypted_key(label, certificate, chain_length, algorithms_used)
        return key_verdicts.no_private_key(label, chain_length, certificate, algorithms_used)
    if loaded.certificate is None:
        return key_verdicts.key_matches_nothing(label, chain_length, algorithms_used)
    if key_checks.public_spki(loaded.certificate) != key_checks.spki(loaded.key.public_key()):
        own = any(
            key_checks.public_spki(other) == key_checks.spki(loaded.key.public_key()) for other in loaded.certificates
        )
        return key_verdicts.java_pairs_another_certificate(
            label, loaded.entry.by, reading.describe(loaded.certificate, now), own, chain_length, algorithms_used
        )
    for bag in loaded.skipped_keys:
        notes.append(key_verdicts.key_java_ignores(label, bag.kind == pairing.PLAIN_KEY, bag.nested))
    for certificate in loaded.certificates:
        if isinstance(certificate, reading.Lenient):
            own = certificate is loaded.certificate
            notes.append(
                certificate_verdicts.non_standard_certificate(
                    label, own, certificate.subject.rfc4514_string(), certificate.non_standard
                )
            )
    certificate = reading.describe(loaded.certificate, now)
    crt_problem = key_checks.rsa_crt_problem(loaded.key)
    if crt_problem:
        return corrupt_verdicts.corrupt(label, crt_problem, algorithms_used)
    curve_problem = key_checks.java_curve_problem(loaded.certificate, certificate)
    if curve_problem:
        return key_verdicts.key_java_cannot_sign(
            label, curve_problem, certificate, chain_length, algorithms_used, rules.label
        )
    if not key_checks.proves_possession(loaded.key, loaded.certificate):
        return key_verdicts.key_not_proven(label, certificate, chain_length, algorithms_used)
    not_before, not_after = reading.validity(loaded.certificate)
    wanted = icp.normalize_cnpj(expected_cnpj) if expected_cnpj else None
    findings = certificate_verdicts.date_and_identity_findings(
        label, certificate, now >= not_after, now < not_before, wanted, icp.format_cnpj(wanted) if wanted else ""
    )
    if not findings and not _java_password(password):
        findings.append(password_verdicts.password_java_refuses(label))
    if not findings and certificate["days_left"] <= min_days_valid:
        findings.append(certificate_verdicts.expiring(label, certificate, min_days_valid))
    report = {"certificate": certificate, "chain_length": chain_length, "algorithms": algorithms_used}
    if not findings:
        return verdicts.make_report(
            verdicts.OK, certificate_verdicts.ok_message(label, certificate), reasons=[], **report
        )
    verdict, msg = findings[0]
    return verdicts.make_report(verdict, msg, reasons=[text for _verdict, text in findings], **report)
