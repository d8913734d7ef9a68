# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fleet report's words in Brazilian Portuguese: problem groups, changes, CSV headers, the page. Private to the
collection (the readiness codes' words: _code_text_pt_br.py)."""

from __future__ import annotations

# problem group: (label, next step)
PROBLEMS = {
    # issue 24b: one group per reason a host was not audited
    "unreachable": (
        "Servidor inacessível (rede, SSH ou WinRM)",
        "confira se o servidor está ligado e se a porta do SSH (22) ou do WinRM (5985/5986) está aberta ao "
        "controlador, com a conta e a chave do Ansible; depois rode a auditoria só nele (--limit)",
    ),
    "become_failed": (
        "sudo recusado ou pedindo senha",
        "dê sudo à conta do Ansible no servidor, ou rode com --ask-become-pass (ansible_become_password no vault)",
    ),
    "no_python": (
        "Servidor sem Python",
        "instale o python3 no servidor ou informe ansible_python_interpreter no inventário",
    ),
    "audit_failed": (
        "A auditoria falhou",
        "rode a auditoria só nesse servidor com -v (--limit <servidor>) e leia a mensagem",
    ),
    "not_audited": (
        "Servidor não auditado (sem resultado da auditoria)",
        "confira se o servidor está ligado e acessível (SSH ou WinRM) com a conta do Ansible e rode a "
        "auditoria de novo",
    ),
    "no_permission": (
        "Sem permissão para ler o PEC ou a pasta chaves",
        "rode a auditoria com become (esus_pec_become: true, sudo no servidor) ou, no Windows, como administrador",
    ),
    "pec_missing": (
        "PEC não instalado",
        "instale o e-SUS APS PEC ou confira a pasta do PEC no inventário (rnds_certificate_pec_root)",
    ),
    "pec_install": (  # issue 23
        "Instalação do PEC que não serve à RNDS (incompleta, de treinamento, antiga, ou em outra pasta)",
        "leia os motivos de cada servidor: refaça a instalação em produção, atualize o PEC ou corrija a pasta",
    ),
    "pec_stopped": ("PEC parado", "inicie o serviço e-SUS-PEC e veja por que parou (webserver/logs/pec.log)"),
    # issue 23 (wt-23b): the inventory's certificate; a deploy would refuse it, so the step is never "rode o deploy"
    "inventory_wrong_password": (
        "Senha ou vault do inventário não abre o certificado",
        "corrija rnds_certificate_password no vault (a senha definida ao baixar o certificado do e-Gestor AB) ou "
        "passe o --vault-id certo do município",
    ),
    "inventory_expired": (
        "Certificado vencido no inventário (vault)",
        "peça um novo certificado no e-Gestor AB, cifre-o com o ansible-vault e aponte rnds_certificate_src para ele",
    ),
    "inventory_invalid": (
        "Certificado do inventário inutilizável",
        "leia os motivos de cada servidor: peça ou exporte de novo o certificado no e-Gestor AB e cifre-o com o "
        "ansible-vault",
    ),
    "inventory_not_deployed": (
        "Certificado do inventário não instalado",
        "rode o deploy (esus.pec.deploy): ele instala o certificado do inventário no lugar do que não serve",
    ),
    "chaves_missing": (
        "Pasta chaves ausente",
        "rode o deploy (esus.pec.deploy): ele cria a pasta chaves e coloca o certificado",
    ),
    "no_certificate": (
        "Sem certificado na pasta chaves",
        "guarde o .pfx do município no inventário (ansible-vault) e rode o deploy",
    ),
    "several_certificates": (
        "Vários certificados",
        "deixe só o do município: rode o deploy com rnds_certificate_remove_others: true",
    ),
    "certificate_only": (
        "Certificado sem chave privada (.cer/.crt)",
        "o PEC precisa do .pfx/.p12 com a chave privada, exportado do e-Gestor AB; troque o arquivo e rode o deploy",
    ),
    "not_pkcs12": (
        "Arquivo não é um certificado .pfx",
        "exporte o certificado com a chave privada (.pfx/.p12) do e-Gestor AB e rode o deploy",
    ),
    "wrong_password": ("Senha errada", "confira a senha do certificado no inventário (vault) e rode o deploy de novo"),
    "expired": ("Certificado vencido", "peça um novo certificado no e-Gestor AB e rode o deploy"),
    "not_yet_valid": (
        "Certificado ainda não válido",
        "confira o relógio do controlador ou espere a data de início do certificado",
    ),
    "corrupt": (
        "Arquivo do certificado danificado",
        "não mude a senha: baixe ou exporte de novo o .pfx original, cifre com o ansible-vault e rode o deploy",
    ),
    "key_problem": (
        "Chave privada ausente ou de outro certificado",
        "exporte de novo o certificado junto com a sua chave privada e rode o deploy",
    ),
    "unsupported_encryption": (
        "Criptografia ou senha que o PEC não aceita",
        "exporte de novo com as opções padrão (AES) e uma senha sem acentos, guarde-a no vault e rode o deploy",
    ),
    "other_cnpj": (
        "Certificado de outro CNPJ",
        "confira qual arquivo vai para este servidor: o certificado é de outra entidade",
    ),
    "certificate_invalid": ("Certificado com outro problema", "leia os motivos de cada servidor"),
    "token_rejected": (
        "RNDS recusou o certificado",
        "confira se o certificado do município está habilitado na RNDS (e-Gestor AB)",
    ),
    "no_connection": (
        "Sem conexão com a RNDS",
        "libere a saída do servidor para ehr-auth.saude.gov.br, porta 443 (firewall, proxy, DNS)",
    ),
    "untrusted_server": (
        "O Java do PEC não confia no servidor da RNDS",
        "um proxy que inspeciona o TLS, ou uma AC ausente do cacerts do PEC: leia o motivo de cada servidor",
    ),
    "not_ready_other": ("Outro problema", "leia os motivos de cada servidor"),
    "expiring_30": (
        "Certificado vence em até 30 dias",
        "peça a renovação no e-Gestor AB agora e rode o deploy com o novo certificado",
    ),
    "expiring": (
        "Certificado perto de vencer",
        "peça a renovação no e-Gestor AB e rode o deploy com o novo certificado",
    ),
    "chaves_permissions": (
        "Pasta chaves com dono ou permissão diferente",
        "rode o deploy: ele acerta o dono e as permissões",
    ),
    "stray_files": ("Arquivo .cer/.crt a mais na pasta chaves", "o PEC o ignora; pode ser removido"),
    "inventory_differs": (
        "Certificado em chaves não é o do inventário",
        "rode o deploy (esus.pec.deploy) para instalar o certificado do inventário",
    ),
    "other_certificates": (
        "Outros certificados ao lado do certo na pasta chaves",
        "em Gestão Municipal > Certificados, confira que o certificado do inventário é o selecionado; "
        "rnds_certificate_remove_others: true no deploy tira os outros",
    ),
    "select_in_pec": (
        "Certificado renovado: selecione-o no PEC",
        "o administrador municipal seleciona o novo arquivo e digita a senha dele em Gestão Municipal > Certificados",
    ),
    "ok": ("Pronto, sem pendência", "nada a fazer"),
}

CHANGES = {
    "newly_not_ready": "deixou de estar pronto",
    "fixed": "corrigido",
    "renewed": "certificado renovado",
    "new_hosts": "novo no relatório",
    "gone_hosts": "saiu do relatório",
}

# the CSV's column headers (English: the JSON's keys)
CSV_HEADERS = {
    "host": "servidor",
    "municipality": "município",
    "uf": "UF",
    "ibge": "IBGE",
    "inventory_groups": "grupo",
    "ready": "pronto",
    "problem": "problema",
    "next_step": "próximo passo",
    "change": "mudança",
    "days_left": "dias até vencer",
    "not_after": "vence em",
    "verdict": "veredito",
    "pec_status": "status no PEC",
    "pec_version": "versão do PEC",
    "cadsus_ready": "pronto para o CADSUS",  # issue 23
    "cnpj": "CNPJ",
    "reasons": "motivos",
}

READY = {True: "sim", False: "não", None: "não auditado"}

# the page's own words; the template reads them as t.<key>
PAGE = {
    "title": "Prontidão dos servidores PEC para a RNDS",
    "generated": "Gerado em",
    "by": "pelo esus.pec",
    "merged": "Junção de %d relatórios parciais",
    "cards": {
        "ready": "Prontos",
        "not_ready": "Não prontos",
        "unknown": "Não auditados",
        "expiring_30": "Vencem em até 30 dias",
        "expiring_60": "Vencem em até 60 dias",
        "expiring_90": "Vencem em até 90 dias",
    },
    # the group table's sections: each one's total is its card's number
    "sections": {
        "bad": "Não prontos",
        "unknown": "Não auditados",
        "ready": "Prontos",
    },
    "timezone": "horário de Brasília",
    "breakdown": "Por UF, por grupo e CADSUS",
    "breakdowns": {"uf": "UF", "inventory_groups": "Grupo do inventário", "cadsus": "CADSUS (segundo veredito)"},
    "cadsus_parts": {  # issue 23: the CADSUS verdict's group table
        "cadsus.ready": "pronto para o CADSUS (HTTPS e login gov.br)",
        "cadsus.no_https": "HTTPS do PEC não configurado",
        "cadsus.no_govbr_login": "login gov.br não configurado",
        "cadsus.https_silent": "HTTPS configurado, porta sem resposta",
        "cadsus.https_expired": "certificado HTTPS do PEC vencido",
        "cadsus.not_checked": "não verificado (PEC não encontrado)",
        "not_audited": "não auditado",
    },
    "breakdown_counts": {
        "hosts": "Servidores",
        "ready": "Prontos",
        "not_ready": "Não prontos",
        "unknown": "Não auditados",
        "expiring_30": "Vencem em até 30 dias",
    },
    "no_uf": "(sem UF)",
    "groups": "O que fazer, por problema",
    "group": "Problema",
    "hosts_count": "Servidores",
    "next_step": "Próximo passo",
    "servers": "servidores",
    "show": "mostrar",
    "changes": "Mudanças desde o relatório de",
    "changes_title": "Mudanças",
    "no_previous": "Primeiro relatório nesta pasta: nada a comparar ainda.",
    "no_changes": "Nenhuma mudança.",
    "and_more": "e mais %d (veja o readiness.json)",
    "timeline": "Certificados que vencem nas próximas 13 semanas",
    "timeline_desc": "Uma barra por semana, com o número de certificados que vencem nela; linhas em 30, 60 e 90 dias.",
    "timeline_bar": "%d certificado(s) vencem de %s a %s",
    "days": "dias",
    "expired_already": "Já vencidos: %d",
    "table": "Servidores",
    "filter": "Filtrar",
    "filter_placeholder": "servidor, município, UF, IBGE, motivo...",
    "all_groups": "Todos os problemas",
    "all_changes": "Todas as mudanças",
    "any_change": "Com alguma mudança",
    "shown": "de %d servidores mostrados",
    "columns": {
        "host": "Servidor",
        "municipality": "Município",
        "uf": "UF",
        "ibge": "IBGE",
        "inventory_groups": "Grupo",
        "ready": "Pronto",
        "problem": "Problema",
        "change": "Mudança",
        "days": "Dias até vencer",
        "expires": "Vence em",
        "pec_status": "O PEC mostraria",
        "cadsus": "Pronto para o CADSUS",  # issue 23
        "reasons": "Motivos",
    },
}

MONTHS = ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")
