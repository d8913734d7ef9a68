# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The terminal's summary lines (plugin_utils/run_summary.py) from plain host variables; the real runs are in
tests/integration/test_inventory_mistakes.py and tests/integration/test_readiness.py."""

from __future__ import annotations

from ansible_collections.esus.pec.plugins.plugin_utils.run_summary import deploy_lines, readiness_lines

MUNICIPALITY = {"rnds_readiness_municipality": "Campinas", "rnds_certificate_ibge_code": "3509502"}


def test_the_deploy_counts_then_names_each_refused_host_with_its_code_and_next_step():
    hostvars = {
        "pec-1": {"rnds_certificate_result": {"changed": True}},
        "pec-2": {"rnds_certificate_result": {"changed": False}},
        "pec-3": dict(MUNICIPALITY, rnds_certificate_result={"failed": True, "verdict": "expired", "msg": "x"}),
        "pec-4": {
            "rnds_certificate_result": {"failed": True, "code": "input.misspelt_check", "msg": "host pec-4: ..."}
        },
        "pec-5": {},
    }
    lines = deploy_lines(list(hostvars), hostvars)
    assert lines[0] == (
        "RESUMO DO DEPLOY: 5 servidor(es): 1 alterado(s), 1 sem mudança, 2 recusado(s) (nada alterado neles), "
        "1 sem resposta"
    )
    assert lines[1] == (
        "- Campinas (pec-3, IBGE 3509502): certificate.expired: peça um novo certificado no e-Gestor AB e rode o deploy"
    )
    assert lines[2] == "- pec-4 (pec-4): input.misspelt_check: host pec-4: ..."
    assert lines[3].startswith("- pec-5 (pec-5): host.unreachable: servidor sem resposta")
    assert deploy_lines(["pec-3"], hostvars, "en")[1].startswith(
        "- Campinas (pec-3, IBGE 3509502): certificate.expired:"
    )


def test_the_audit_counts_then_names_each_host_not_ready_by_its_first_failing_code():
    ready = {"rnds_readiness": {"ready": True, "codes": ["certificate.ok"]}}
    not_ready = {"rnds_readiness": {"ready": False, "codes": ["network.unreachable", "chaves.missing"]}}
    hostvars = {
        "pec-1": {"__rnds_readiness_audit": ready},
        "pec-2": dict(MUNICIPALITY, __rnds_readiness_audit=not_ready),
        "pec-3": {"__rnds_readiness_audit": {"failed": True, "msg": "host pec-3: a senha em ..."}},
    }
    lines = readiness_lines(list(hostvars), hostvars)
    assert (
        lines[0] == "RESUMO DA AUDITORIA: 3 servidor(es): 1 pronto(s) para a RNDS, 1 não pronto(s), 1 não auditado(s)"
    )
    assert lines[1] == "- Campinas (pec-2, IBGE 3509502): chaves.missing: rode o deploy (papel rnds_certificate)"
    assert lines[2] == "- pec-3 (pec-3): audit.not_audited: host pec-3: a senha em ..."
