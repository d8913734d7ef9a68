// Copyright (c) 2026, esus.pec contributors
// GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

// Reads a file's bytes and a file's or folder's owner and DACL the way backup software does: CreateFile with
// FILE_FLAG_BACKUP_SEMANTICS, so that with SeBackupPrivilege enabled (win_chaves_certificate enables it) a chaves
// locked to SYSTEM and the PEC service account, without Administrators, can still be looked at and repaired.
// File.OpenRead and FileSecurity do not ask for backup semantics: the privilege alone does not let them in.
// Without the privilege the flag changes nothing for a file (and is what opening a folder needs anyway).
// C# 5 only: Windows PowerShell 5.1 compiles it.

using Microsoft.Win32.SafeHandles;
using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;

namespace ansible_collections.esus.pec.plugins.module_utils.BackupFile
{
    public static class BackupFile
    {
        private const UInt32 GENERIC_READ = 0x80000000;
        private const UInt32 READ_CONTROL = 0x00020000;
        private const UInt32 FILE_FLAG_BACKUP_SEMANTICS = 0x02000000;
        private const UInt32 OPEN_EXISTING = 3;
        private const UInt32 SE_FILE_OBJECT = 1;
        private const UInt32 OWNER_SECURITY_INFORMATION = 0x1;
        private const UInt32 DACL_SECURITY_INFORMATION = 0x4;
        private const UInt32 SDDL_REVISION_1 = 1;

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern SafeFileHandle CreateFileW(string lpFileName, UInt32 dwDesiredAccess, UInt32 dwShareMode,
            IntPtr lpSecurityAttributes, UInt32 dwCreationDisposition, UInt32 dwFlagsAndAttributes, IntPtr hTemplateFile);

        [DllImport("advapi32.dll")]
        private static extern UInt32 GetSecurityInfo(SafeFileHandle handle, UInt32 objectType, UInt32 securityInfo,
            IntPtr ppsidOwner, IntPtr ppsidGroup, IntPtr ppDacl, IntPtr ppSacl, out IntPtr ppSecurityDescriptor);

        [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool ConvertSecurityDescriptorToStringSecurityDescriptorW(IntPtr securityDescriptor,
            UInt32 requestedStringSdRevision, UInt32 securityInformation, out IntPtr stringSecurityDescriptor,
            out UInt32 stringSecurityDescriptorLen);

        [DllImport("kernel32.dll")]
        private static extern IntPtr LocalFree(IntPtr hMem);

        private static SafeFileHandle Open(string path, UInt32 access)
        {
            // share read, write and delete: looking must not get in PEC's way
            SafeFileHandle handle = CreateFileW(path, access, 0x7, IntPtr.Zero, OPEN_EXISTING,
                FILE_FLAG_BACKUP_SEMANTICS, IntPtr.Zero);
            if (handle.IsInvalid)
            {
                int error = Marshal.GetLastWin32Error();
                throw new Win32Exception(error, String.Format("{0}: {1}", path, new Win32Exception(error).Message));
            }
            return handle;
        }

        /// <summary>The file's bytes as a stream, opened with backup semantics.</summary>
        public static FileStream OpenRead(string path)
        {
            return new FileStream(Open(path, GENERIC_READ), FileAccess.Read);
        }

        /// <summary>The owner and DACL of a file or folder as SDDL (what FileSecurity's SDDL form prints).</summary>
        public static string GetSddl(string path)
        {
            using (SafeFileHandle handle = Open(path, READ_CONTROL))
            {
                IntPtr descriptor;
                UInt32 information = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
                UInt32 result = GetSecurityInfo(handle, SE_FILE_OBJECT, information, IntPtr.Zero, IntPtr.Zero,
                    IntPtr.Zero, IntPtr.Zero, out descriptor);
                if (result != 0)
                {
                    throw new Win32Exception((int)result, String.Format("{0}: {1}", path,
                        new Win32Exception((int)result).Message));
                }
                try
                {
                    IntPtr text;
                    UInt32 length;
                    if (!ConvertSecurityDescriptorToStringSecurityDescriptorW(descriptor, SDDL_REVISION_1, information,
                        out text, out length))
                    {
                        throw new Win32Exception(Marshal.GetLastWin32Error());
                    }
                    try
                    {
                        return Marshal.PtrToStringUni(text);
                    }
                    finally
                    {
                        LocalFree(text);
                    }
                }
                finally
                {
                    LocalFree(descriptor);
                }
            }
        }
    }
}
