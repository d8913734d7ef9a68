# Copyright (c) 2026, esus.pec contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the collection's action plugins against a Windows host that cannot exist here.

There is no Windows host and no PowerShell on these machines. The real action plugin runs (argument
validation, the vaulted source read and validated, the SDDL built, the audit's checks and its decision to
write the fact); only ``_execute_module``, the call that would reach the host, is replaced by a recorder
that answers with results in the shape the module's ``.ps1`` returns (the tests check that shape against
the ``.ps1`` itself). What the ``.ps1`` then does on a real host is for molecule/windows to prove.
``_low_level_execute_command`` (the Linux direct probe's way in) is recorded too and answers as a host where
it finds no Python, so a Linux-shell stand-in falls back to its module as a real one would.
"""

from __future__ import annotations

from types import SimpleNamespace

from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import shell_loader
from ansible.template import Templar


class Recorder:
    """Stands for the host: records each module execution and answers with ``answer(module, args)``."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.calls: list[tuple[str, dict]] = []
        self.commands: list[str] = []  # raw commands (the Linux direct probe); none on a Windows host
        self.groups: list[tuple[str, list]] = []  # groups the action added itself (ansible-core 2.21 and later)

    def __call__(self, module_name=None, module_args=None, task_vars=None, **_ignored) -> dict:
        self.calls.append((module_name, dict(module_args or {})))
        return self.answer(module_name, module_args or {})


def run_action(
    action_class,
    args: dict,
    answer,
    *,
    shell: str = "powershell",
    check_mode: bool = False,
    loader=None,
    task_vars=None,
):
    """(the action's result, the Recorder) for one run of the action against one host of the given shell (the
    host's variables: ``task_vars``, the role's variables when the role's task is run, as the actions read some)."""
    task = Task()
    task.args = dict(args)
    task.check_mode = check_mode
    loader = loader or DataLoader()
    connection = SimpleNamespace(_shell=shell_loader.get(shell), become=None)
    connection._shell.tmpdir = None
    task_vars = dict(task_vars or {}, inventory_hostname="pec-windows-1")
    # the host's variables are the templar's, as in Ansible's worker: the actions read the options option_names names
    templar = Templar(loader=loader, variables=task_vars)
    action = action_class(task, connection, PlayContext(), loader, templar, None)
    recorder = Recorder(answer)
    action._execute_module = recorder
    action._low_level_execute_command = lambda cmd, **_ignored: (
        recorder.commands.append(cmd) or {"rc": 127, "stdout": "", "stderr": "stand-in host: no Python 3 found"}
    )
    if hasattr(action, "add_group"):  # 2.21 and later: the action adds inventory groups through the task's context
        action.add_group = lambda name, parent_group_names=None: recorder.groups.append((name, parent_group_names))
    action._remove_tmp_path = lambda path: None
    result = action.run(task_vars=task_vars)
    return result, recorder
