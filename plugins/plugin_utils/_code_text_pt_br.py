# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The readiness codes in Brazilian Portuguese: code -> (sentence, next step). Private to the collection.

The sentence is ``str.format`` text over the code's values; ``{user: como %s}`` is `` como <user>``, or nothing
when the value is unknown. The next step starts lower case: it is shown after the sentence and a colon. Values
that come from elsewhere (an error of the host, a Windows descriptor's differences) stay as they were said.
"""

from __future__ import annotations

_BECOME = (
    "rode a auditoria com become (esus_pec_become: true, o padrão; o usuário precisa de sudo no servidor) ou, no "
    "Windows, como membro do grupo Administradores do servidor"
)
_DEPLOY = "rode o deploy (papel rnds_certificate)"
_EXPORT = "exporte de novo o certificado com a chave privada do e-Gestor AB e rode o deploy"

CODE_TEXT = {
    "audit.not_audited": (
        "O servidor não pôde ser auditado (inacessível ou a auditoria falhou)",
        "confira se o servidor está ligado e acessível (SSH ou WinRM) com a conta do Ansible e rode a auditoria de "
        "novo",
    ),
    "pec.installed": ("PEC {version} instalado em {root}", ""),
    "pec.version_unknown": ("PEC instalado em {root}; versão desconhecida (não encontrada em {source})", ""),
    "pec.not_installed": (
        "O PEC não está instalado em {root} (a pasta não existe)",
        "instale o e-SUS APS PEC ou informe a pasta onde ele está (pec_root)",
    ),
    "pec.unreadable": ("Não foi possível olhar {root}: {error}", "rode a auditoria como administrador"),
    "chaves.ok": ("{path} está {seen}", ""),
    "chaves.descriptor_ok": (
        "{path}: dono Administradores, fechada a todos menos SYSTEM, Administradores e os principais extras",
        "",
    ),
    "chaves.missing": ("{path} não existe", _DEPLOY),
    "chaves.not_a_folder": ("{path} não é uma pasta", "tire esse arquivo de lá e " + _DEPLOY),
    "chaves.unreadable": ("Não foi possível olhar {path}: {error}", _BECOME),
    "chaves.permissions": ("{path} está {seen}, o esperado é {wanted}", "o papel rnds_certificate acerta isso"),
    "chaves.descriptor": ("{problems}", "o papel rnds_certificate acerta isso"),
    "chaves.owner_not_read": (
        "{path} existe; o dono e as permissões não foram lidos",
        "audite de novo; -vvv mostra o que a sondagem respondeu",
    ),
    "chaves.descriptor_not_read": (
        "{path} existe; o descritor de segurança não foi lido ({error})",
        "audite de novo como membro do grupo Administradores do servidor",
    ),
    "chaves.not_checked": ("Sem instalação do PEC onde olhar", "instale o PEC primeiro"),
    "certificate_file.ok": ("{name} é o único certificado na pasta chaves", ""),
    "certificate_file.stray": (
        "{name} encontrado; também {names}, que o PEC ignora (sem chave privada)",
        "pode ser removido",
    ),
    "certificate_file.missing": ("Nenhum .pfx/.p12 na pasta chaves", "coloque o certificado do município"),
    "certificate_file.certificate_only": (
        "Só {names} na pasta chaves: um certificado sem a chave privada, que o PEC não aceita",
        "coloque o .pfx/.p12",
    ),
    "certificate_file.several": (
        "{count} certificados na pasta chaves ({names}): o PEC aceita um",
        "deixe só o do município (rnds_certificate_remove_others)",
    ),
    "certificate_file.unlistable": (
        "Não foi possível listar a pasta chaves{user: como %s} ({error}), então o certificado não pode ser visto",
        _BECOME,
    ),
    "certificate_file.unreadable": (
        "Não foi possível ler {names}{user: como %s}, então o certificado não pode ser conferido",
        _BECOME,
    ),
    "certificate_file.no_chaves": ("Sem pasta chaves onde olhar", _DEPLOY),
    "certificate_file.not_checked": ("Sem instalação do PEC onde olhar", "instale o PEC primeiro"),
    "certificate.ok": ("Certificado válido, {days} dias restantes (até {not_after})", ""),
    "certificate.expiring": (
        "O certificado vence em {not_after}, daqui a {days} dias",
        "peça a renovação no e-Gestor AB agora e rode o deploy com o novo certificado",
    ),
    "certificate.expired": (
        "O certificado venceu em {not_after}",
        "peça um novo certificado no e-Gestor AB e rode o deploy",
    ),
    "certificate.not_yet_valid": (
        "O certificado ainda não é válido",
        "confira o relógio do controlador ou espere a data de início do certificado",
    ),
    "certificate.wrong_password": (
        "Senha errada para o certificado",
        "confira a senha do certificado no inventário (vault) e rode o deploy de novo",
    ),
    "certificate.unsupported_encryption": (
        "A criptografia ou a senha do certificado é uma que o PEC (Java) não aceita",
        "exporte de novo com as opções padrão (AES) e uma senha sem acentos, guarde-a no vault e rode o deploy",
    ),
    "certificate.certificate_only": ("O arquivo é um certificado sem a chave privada", _EXPORT),
    "certificate.no_private_key": ("O arquivo do certificado não tem chave privada utilizável", _EXPORT),
    "certificate.key_mismatch": ("A chave privada não é a do certificado", _EXPORT),
    "certificate.identity_mismatch": (
        "O certificado é de outra entidade{cnpj: (CNPJ %s)}",
        "confira qual arquivo vai para este servidor",
    ),
    "certificate.not_pkcs12": ("O arquivo não é um certificado PKCS#12 (.pfx/.p12)", _EXPORT),
    "certificate.corrupt": (
        "O arquivo do certificado está danificado",
        "não mude a senha: baixe ou exporte de novo o .pfx original, cifre com o ansible-vault e rode o deploy",
    ),
    "certificate.missing": ("Sem arquivo de certificado", "coloque o certificado do município"),
    "certificate.invalid": ("O certificado não pode ser usado ({verdict})", "leia o detalhe da verificação"),
    "certificate.not_checked": ("Nenhum certificado único para validar", "veja a verificação certificate_file"),
    "token.accepted": ("A RNDS emitiu um token para este certificado", ""),
    "token.refused": (
        "A RNDS recusou o certificado: {detail}",
        "confira se o certificado do município está habilitado na RNDS (e-Gestor AB)",
    ),
    "token.failed": (
        "O pedido de token à RNDS falhou: {detail}",
        "confira o caminho do controlador até a RNDS e audite de novo",
    ),
    "token.unknown": ("O pedido de token à RNDS não teve resposta clara: {detail}", "audite de novo mais tarde"),
    "network.ok": ("Alcança {endpoints}", ""),
    "network.unreachable": (
        "Não alcança {failed} a partir do servidor; o PEC mostraria 'Sem conexão'",
        "libere a saída do servidor para a RNDS (firewall, proxy, DNS)",
    ),
    "network.not_checked": ("Não verificada (rnds_readiness_check_network: false)", "ligue a verificação de rede"),
    "network.no_endpoint": (
        "Nenhum endereço a verificar (rnds_readiness_endpoints está vazio)",
        "informe o endereço da RNDS",
    ),
    "fact.not_written": (
        "O fato local {path} não pôde ser gravado: {error}",
        "audite de novo com become (Windows: como administrador)",
    ),
    # issue 24b: why a host was not audited
    "audit.unreachable": (
        "O controlador não conseguiu entrar no servidor (rede, porta do SSH ou WinRM, chave do host ou conta)",
        "confira se o servidor está ligado, se a porta do SSH (22) ou do WinRM (5985/5986) está aberta ao "
        "controlador e se a conta e a chave do Ansible entram nele; depois rode a auditoria só nele (--limit)",
    ),
    "audit.become_failed": (
        "O sudo recusou a conta do Ansible ou pediu uma senha",
        "dê à conta sudo no servidor (sem senha, ou rode com --ask-become-pass / ansible_become_password no "
        "vault); sem sudo o PEC e a pasta chaves não podem ser lidos",
    ),
    "audit.no_python": (
        "O servidor não tem o Python que o Ansible usa",
        "instale o python3 no servidor (apt install python3) ou informe ansible_python_interpreter no inventário",
    ),
    "audit.failed": (
        "A auditoria falhou neste servidor",
        "rode a auditoria só nele com -v (--limit <servidor>) e leia a mensagem do Ansible",
    ),
    # end of issue 24b
}
