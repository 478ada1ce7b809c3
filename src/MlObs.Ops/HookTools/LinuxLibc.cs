// The few libc calls PosixSpawnHookRunner needs, as source-generated (AOT-safe) P/Invokes.
using System.Runtime.InteropServices;

namespace MlObs.Ops.HookTools;

/// <summary>
/// glibc entry points and the Linux constants that go with them. The constants are those of
/// the generic Linux ABI that x64 and arm64 share (<see cref="PosixSpawnHookRunner.IsSupported"/>
/// checks the architecture); other architectures keep the Process-based runner.
/// </summary>
/// <remarks>
/// Every signature is blittable (ints, pointers), so the generator emits a plain call with no
/// marshalling. Functions that report failure through errno set <c>SetLastError</c>; the
/// posix_spawn family returns the error number instead.
/// </remarks>
internal static unsafe partial class LinuxLibc
{
    // glibc's soname. dlopen finds it among the loaded libraries at once, where the bare "libc"
    // sends the .NET loader probing some fifty paths (libc.so, liblibc.so, ...) first. On musl it
    // is missing; the first call then throws DllNotFoundException and the Process runner takes over.
    private const string Library = "libc.so.6";

    internal const int OCloexec = 0x80000;
    internal const int ONonblock = 0x800;

    internal const int FSetfl = 4;
    internal const int FDupfdCloexec = 1030;

    internal const short PollIn = 0x1;
    internal const short PollOut = 0x4;

    internal const int WNoHang = 1;

    internal const int EIntr = 4;
    internal const int EAgain = 11;

    internal const int SockStream = 1;
    internal const int SockCloexec = 0x80000;
    internal const int MsgNoSignal = 0x4000;

    internal const int SigKill = 9;
    internal const int SigStop = 19;

    internal const short PosixSpawnSetSigDef = 0x04;
    internal const short PosixSpawnSetSigMask = 0x08;

    // Same number on every Linux architecture (the unified table from 5.3 on).
    internal const nint SysPidfdOpen = 434;

    // Upper bounds of the opaque types we only hand to libc: glibc's posix_spawnattr_t is 336
    // bytes on 64-bit, posix_spawn_file_actions_t 80, sigset_t 128.
    internal const int SpawnAttrBufferLongs = 64;
    internal const int FileActionsBufferLongs = 32;
    internal const int SigSetBufferLongs = 16;

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [LibraryImport(Library, EntryPoint = "pipe2", SetLastError = true)]
    internal static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    // fcntl is variadic; on x64 and arm64 Linux an int third argument travels exactly as a fixed one.
    [LibraryImport(Library, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    internal static partial int Connect(int fd, byte* address, uint addressLength);

    // send, not write: MSG_NOSIGNAL turns a peer that went away into EPIPE instead of a SIGPIPE.
    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    internal static partial nint Send(int fd, byte* buffer, nuint count, int flags);

    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    // syscall is variadic too; used only for pidfd_open, which older glibc lacks a wrapper for.
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint Syscall(nint number, int pid, uint flags);

    [LibraryImport(Library, EntryPoint = "posix_spawn")]
    internal static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_init")]
    internal static partial int FileActionsInit(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    // glibc 2.29 and later; when it is missing the runner falls back to Process.
    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    internal static partial int FileActionsAddChdir(void* fileActions, byte* path);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_init")]
    internal static partial int SpawnAttrInit(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_destroy")]
    internal static partial int SpawnAttrDestroy(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setflags")]
    internal static partial int SpawnAttrSetFlags(void* attributes, short flags);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigmask")]
    internal static partial int SpawnAttrSetSigMask(void* attributes, void* sigMask);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigdefault")]
    internal static partial int SpawnAttrSetSigDefault(void* attributes, void* sigDefault);

    [LibraryImport(Library, EntryPoint = "sigemptyset", SetLastError = true)]
    internal static partial int SigEmptySet(void* set);
}
