// Runs one hook tool on Linux with posix_spawn and a single poll loop on the calling thread.
using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using static MlObs.Ops.HookTools.LinuxLibc;

namespace MlObs.Ops.HookTools;

/// <summary>
/// Runs one resolved hook tool with <c>posix_spawn</c>, feeds its stdin and drains its stdout and
/// stderr in one <c>poll</c> loop, then reaps it with <c>waitpid</c>.
/// </summary>
/// <remarks>
/// A dispatch calls about six tools. <see cref="System.Diagnostics.Process"/> starts thread-pool
/// threads, a SIGCHLD thread and async pipe readers for each, and on small VMs, where every page
/// fault and context switch is dear, that costs more than the tools themselves. Here the calling
/// thread does all the work and blocks while the tool runs, which is what a hook tool call is.
/// </remarks>
internal sealed unsafe class PosixSpawnHookRunner : IDisposable
{
    // Only when the token can be cancelled: how often the loops look at it while the tool runs.
    private const int PollSliceMilliseconds = 50;
    private const int InitialOutputCapacity = 4096;

    private static volatile bool _libcIncomplete;

    private readonly string _tool;
    private int _stdinRead = -1;
    private int _stdinWrite = -1;
    private int _stdoutRead = -1;
    private int _stdoutWrite = -1;
    private int _stderrRead = -1;
    private int _stderrWrite = -1;
    private int _pid;

    private PosixSpawnHookRunner(string tool) => _tool = tool;

    /// <summary>
    /// True on Linux x64 and arm64 (the ABI <see cref="LinuxLibc"/>'s constants are written for),
    /// until the C library turned out to lack an entry point this runner needs.
    /// </summary>
    public static bool IsSupported =>
        !_libcIncomplete
        && OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Runs <paramref name="executable"/> to completion and captures what it printed.</summary>
    /// <param name="tool">The bare tool name, for error messages.</param>
    /// <param name="executable">The tool's full path, already resolved on PATH.</param>
    /// <param name="arguments">argv after the tool, verbatim.</param>
    /// <param name="stdin">Text for standard input; null for an immediate end of file.</param>
    /// <param name="path">The PATH handed to the tool; null keeps this process's.</param>
    /// <param name="workingDirectory">The tool's working directory; null keeps this process's.</param>
    /// <param name="cancellationToken">Kills the tool (and its children) when cancelled.</param>
    /// <returns>
    /// The result, or <see langword="null"/> when the C library lacks a function this runner needs
    /// (for example glibc before 2.29 has no <c>posix_spawn_file_actions_addchdir_np</c>); nothing
    /// was started then, and <see cref="IsSupported"/> is false from then on.
    /// </returns>
    public static HookCommandResult? Run(
        string tool,
        string executable,
        IReadOnlyList<string> arguments,
        string? stdin,
        string? path,
        string? workingDirectory,
        CancellationToken cancellationToken)
    {
        foreach (var argument in arguments)
        {
            // A C string ends at the first NUL: the tool would see a silently shortened argument.
            if (argument.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"an argument of hook tool '{tool}' contains a NUL character", nameof(arguments));
            }
        }

        // UTF8Encoding.GetBytes never writes a byte order mark, as the Process runner's stdin did not.
        var input = string.IsNullOrEmpty(stdin) ? null : Encoding.UTF8.GetBytes(stdin);
        using var launch = new LaunchBlock(executable, arguments, ChildEnvironment(path), workingDirectory);
        using var runner = new PosixSpawnHookRunner(tool);
        try
        {
            runner.CreatePipes();
            runner.Spawn(launch, workingDirectory);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Binding failed before the call, so no child exists; Process can still do the job.
            _libcIncomplete = true;
            return null;
        }

        runner.CloseChildEnds();
        var (stdout, stderr) = runner.Pump(input, cancellationToken);
        var status = runner.WaitForExit(cancellationToken);
        return new HookCommandResult(ExitCodeOf(status), stdout, stderr);
    }

    /// <summary>Kills and reaps a tool we did not see exit (cancellation, failure), then closes our pipe ends.</summary>
    public void Dispose()
    {
        if (_pid > 0)
        {
            // It must neither outlive the call nor stay behind as a zombie.
            KillTree(_pid);
            Reap();
        }

        CloseFd(ref _stdinRead);
        CloseFd(ref _stdinWrite);
        CloseFd(ref _stdoutRead);
        CloseFd(ref _stdoutWrite);
        CloseFd(ref _stderrRead);
        CloseFd(ref _stderrWrite);
    }

    /// <summary>
    /// This process's environment (as .NET sees it, like Process) with PATH replaced by
    /// <paramref name="path"/> when given, as NAME=value strings.
    /// </summary>
    private static List<string> ChildEnvironment(string? path)
    {
        var variables = Environment.GetEnvironmentVariables();
        var entries = new List<string>(variables.Count + 1);
        foreach (DictionaryEntry variable in variables)
        {
            var name = (string)variable.Key;
            if (path is not null && string.Equals(name, "PATH", StringComparison.Ordinal))
            {
                continue;
            }

            entries.Add(string.Concat(name, "=", (string?)variable.Value));
        }

        if (path is not null)
        {
            entries.Add("PATH=" + path);
        }

        return entries;
    }

    private void CreatePipes()
    {
        var fds = stackalloc int[2];
        CreatePipe(fds);
        (_stdinRead, _stdinWrite) = (fds[0], fds[1]);
        CreatePipe(fds);
        (_stdoutRead, _stdoutWrite) = (fds[0], fds[1]);
        CreatePipe(fds);
        (_stderrRead, _stderrWrite) = (fds[0], fds[1]);

        // When this process was started with a standard stream closed, a pipe end can land on
        // 0, 1 or 2, and the child's dup2 onto those numbers would clobber it.
        MoveAboveStdio(ref _stdinRead);
        MoveAboveStdio(ref _stdinWrite);
        MoveAboveStdio(ref _stdoutRead);
        MoveAboveStdio(ref _stdoutWrite);
        MoveAboveStdio(ref _stderrRead);
        MoveAboveStdio(ref _stderrWrite);
    }

    private void CreatePipe(int* fds)
    {
        // Close-on-exec, so the only copies the tool inherits are the dup2'd 0, 1 and 2, and
        // tools started concurrently do not hold each other's pipes open.
        if (Pipe2(fds, OCloexec) != 0)
        {
            throw NotStarted("pipe2", Marshal.GetLastPInvokeError());
        }
    }

    private void MoveAboveStdio(ref int fd)
    {
        if (fd > 2)
        {
            return;
        }

        var moved = Fcntl(fd, FDupfdCloexec, 3);
        if (moved < 0)
        {
            throw NotStarted("fcntl(F_DUPFD_CLOEXEC)", Marshal.GetLastPInvokeError());
        }

        CloseFd(ref fd);
        fd = moved;
    }

    private void Spawn(LaunchBlock launch, string? workingDirectory)
    {
        var fileActions = stackalloc ulong[FileActionsBufferLongs];
        var attributes = stackalloc ulong[SpawnAttrBufferLongs];
        var noSignals = stackalloc ulong[SigSetBufferLongs];
        var allSignals = stackalloc ulong[SigSetBufferLongs];

        CheckSpawnSetup("posix_spawn_file_actions_init", FileActionsInit(fileActions));
        try
        {
            CheckSpawnSetup("posix_spawnattr_init", SpawnAttrInit(attributes));
            try
            {
                CheckSpawnSetup("posix_spawn_file_actions_adddup2", FileActionsAddDup2(fileActions, _stdinRead, 0));
                CheckSpawnSetup("posix_spawn_file_actions_adddup2", FileActionsAddDup2(fileActions, _stdoutWrite, 1));
                CheckSpawnSetup("posix_spawn_file_actions_adddup2", FileActionsAddDup2(fileActions, _stderrWrite, 2));
                if (launch.WorkingDirectory is not null)
                {
                    CheckSpawnSetup("posix_spawn_file_actions_addchdir_np", FileActionsAddChdir(fileActions, launch.WorkingDirectory));
                }

                // An exec'd program keeps ignored dispositions and the signal mask of the thread
                // that started it, and .NET ignores SIGPIPE: without this a tool would not die
                // when its reader goes away. Start it with default handlers and nothing blocked.
                // Every bit rather than sigfillset: that leaves out glibc's two internal signals,
                // which its posix_spawn then leaves ignored in the child.
                _ = SigEmptySet(noSignals);
                new Span<byte>(allSignals, SigSetBufferLongs * sizeof(ulong)).Fill(0xff);
                CheckSpawnSetup("posix_spawnattr_setsigmask", SpawnAttrSetSigMask(attributes, noSignals));
                CheckSpawnSetup("posix_spawnattr_setsigdefault", SpawnAttrSetSigDefault(attributes, allSignals));
                CheckSpawnSetup("posix_spawnattr_setflags", SpawnAttrSetFlags(attributes, PosixSpawnSetSigMask | PosixSpawnSetSigDef));

                // glibc starts the child with CLONE_VFORK and reports a failed chdir or execve here.
                int pid;
                var error = PosixSpawn(&pid, launch.Executable, fileActions, attributes, launch.Argv, launch.Envp);
                if (error != 0)
                {
                    var exception = new Win32Exception(error);
                    var message = $"hook tool '{_tool}' could not be started: {exception.Message}";
                    if (workingDirectory is not null && !Directory.Exists(workingDirectory))
                    {
                        message += $" (its working directory '{workingDirectory}' does not exist)";
                    }

                    throw ModelException.NotStarted(_tool, message, exception);
                }

                _pid = pid;
            }
            finally
            {
                _ = SpawnAttrDestroy(attributes);
            }
        }
        finally
        {
            _ = FileActionsDestroy(fileActions);
        }
    }

    private void CheckSpawnSetup(string function, int error)
    {
        if (error != 0)
        {
            throw NotStarted(function, error);
        }
    }

    /// <summary>The child's copies are all it needs; ours would keep its stdin open and hide the EOF of its output.</summary>
    private void CloseChildEnds()
    {
        CloseFd(ref _stdinRead);
        CloseFd(ref _stdoutWrite);
        CloseFd(ref _stderrWrite);
    }

    /// <summary>
    /// Writes <paramref name="input"/> and reads both outputs as the pipes allow, until the tool
    /// has taken (or refused) its input and closed both outputs. Neither side can fill up and
    /// block the other, so large input and large output at once cannot deadlock.
    /// </summary>
    private (string Stdout, string Stderr) Pump(byte[]? input, CancellationToken cancellationToken)
    {
        var stdout = new OutputBuffer();
        var stderr = new OutputBuffer();
        var written = 0;
        if (input is null)
        {
            // An immediate end of file: a tool never reads the charm's own stdin.
            CloseFd(ref _stdinWrite);
        }
        else if (Fcntl(_stdinWrite, FSetfl, ONonblock) < 0)
        {
            // Only our end: the tool's stdin stays blocking.
            throw Failed("fcntl(F_SETFL)", Marshal.GetLastPInvokeError());
        }

        var fds = stackalloc PollFd[3];
        var timeout = cancellationToken.CanBeCanceled ? PollSliceMilliseconds : -1;
        while (_stdinWrite >= 0 || _stdoutRead >= 0 || _stderrRead >= 0)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // poll skips entries with a negative fd: the streams already closed.
            fds[0] = new PollFd { Fd = _stdinWrite, Events = PollOut };
            fds[1] = new PollFd { Fd = _stdoutRead, Events = PollIn };
            fds[2] = new PollFd { Fd = _stderrRead, Events = PollIn };
            if (LinuxLibc.Poll(fds, 3, timeout) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                {
                    continue;
                }

                throw Failed("poll", errno);
            }

            if (fds[0].REvents != 0)
            {
                WriteInput(input!, ref written);
            }

            if (fds[1].REvents != 0 && !stdout.ReadFrom(_stdoutRead))
            {
                CloseFd(ref _stdoutRead);
            }

            if (fds[2].REvents != 0 && !stderr.ReadFrom(_stderrRead))
            {
                CloseFd(ref _stderrRead);
            }
        }

        return (stdout.Decode(), stderr.Decode());
    }

    private void WriteInput(byte[] input, ref int written)
    {
        nint count;
        fixed (byte* data = input)
        {
            count = Write(_stdinWrite, data + written, (nuint)(input.Length - written));
        }

        if (count >= 0)
        {
            written += (int)count;
            if (written == input.Length)
            {
                CloseFd(ref _stdinWrite);
            }

            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno is EAgain or EIntr)
        {
            return;
        }

        // EPIPE: the tool closed its stdin or exited without reading it all. Not our error; its
        // exit code and stderr say what happened (SIGPIPE is ignored in .NET processes).
        CloseFd(ref _stdinWrite);
    }

    /// <summary>Reaps the tool and returns its wait status; both outputs are closed by now, so it has exited or is about to.</summary>
    private int WaitForExit(CancellationToken cancellationToken)
    {
        int status;
        if (!cancellationToken.CanBeCanceled)
        {
            TryWait(0, out status);
            return status;
        }

        if (TryWait(WNoHang, out status))
        {
            return status;
        }

        // It closed its outputs but runs on (or is still exiting): wait in slices so cancellation
        // is seen. A pidfd wakes us the moment it exits; without one (kernels before 5.3, seccomp)
        // sleep in growing steps.
        var pidfd = (int)Syscall(SysPidfdOpen, _pid, 0);
        try
        {
            var delay = 1;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (pidfd >= 0)
                {
                    var entry = new PollFd { Fd = pidfd, Events = PollIn };
                    _ = LinuxLibc.Poll(&entry, 1, PollSliceMilliseconds);
                }
                else
                {
                    _ = LinuxLibc.Poll(null, 0, delay);
                    delay = Math.Min(delay * 2, PollSliceMilliseconds);
                }

                if (TryWait(WNoHang, out status))
                {
                    return status;
                }
            }
        }
        finally
        {
            CloseFd(ref pidfd);
        }
    }

    /// <summary>waitpid, retried on EINTR; false only when <see cref="WNoHang"/> found it still running.</summary>
    private bool TryWait(int options, out int status)
    {
        while (true)
        {
            int wstatus;
            var result = WaitPid(_pid, &wstatus, options);
            if (result == _pid)
            {
                _pid = 0;
                status = wstatus;
                return true;
            }

            if (result == 0)
            {
                status = 0;
                return false;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr)
            {
                continue;
            }

            // ECHILD: something else in this process reaped it (a SIGCHLD handler that reaps
            // every child), and its exit status went with it.
            _pid = 0;
            throw Failed("waitpid", errno);
        }
    }

    /// <summary>Blocks until the (killed) tool is reaped; errors mean it is gone already.</summary>
    private void Reap()
    {
        int wstatus;
        while (WaitPid(_pid, &wstatus, 0) < 0 && Marshal.GetLastPInvokeError() == EIntr)
        {
        }

        _pid = 0;
    }

    /// <summary>A shell's view of a wait status: the exit code, or 128 + the signal that killed it.</summary>
    private static int ExitCodeOf(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    /// <summary>
    /// SIGKILLs <paramref name="pid"/> and its descendants, as Process.Kill(entireProcessTree)
    /// does: a tool that is a shell script would otherwise leave its children running, holding
    /// our pipes open.
    /// </summary>
    private static void KillTree(int pid)
    {
        // Stopped first, so it cannot start children we would miss between the listing and the kill.
        if (Kill(pid, SigStop) != 0)
        {
            return;
        }

        var children = ChildrenOf(pid);
        _ = Kill(pid, SigKill);
        foreach (var child in children)
        {
            KillTree(child);
        }
    }

    /// <summary>The processes whose parent is <paramref name="pid"/>, from /proc/[pid]/stat.</summary>
    private static List<int> ChildrenOf(int pid)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // exited while we looked
            }

            // "pid (comm) state ppid ...": comm may contain spaces and ')', so start after the last ')'.
            var fields = stat.AsSpan(stat.LastIndexOf(')') + 1).Trim();
            var afterState = fields.IndexOf(' ');
            if (afterState < 0)
            {
                continue;
            }

            var rest = fields[(afterState + 1)..];
            var end = rest.IndexOf(' ');
            if (end > 0
                && int.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
                && parent == pid)
            {
                children.Add(candidate);
            }
        }

        return children;
    }

    private static void CloseFd(ref int fd)
    {
        if (fd >= 0)
        {
            // Linux releases the descriptor even when close reports an error; never retry.
            _ = Close(fd);
            fd = -1;
        }
    }

    private ModelException NotStarted(string function, int errno) =>
        ModelException.NotStarted(_tool, $"hook tool '{_tool}' could not be started: {function}: {new Win32Exception(errno).Message}", new Win32Exception(errno));

    private ModelException Failed(string function, int errno) =>
        ModelException.NotStarted(_tool, $"hook tool '{_tool}' could not be run to completion: {function}: {new Win32Exception(errno).Message}", new Win32Exception(errno));

    /// <summary>
    /// One output stream's bytes, grown as needed; decoded once at the end, so a UTF-8 sequence
    /// split across two reads decodes correctly.
    /// </summary>
    private sealed class OutputBuffer
    {
        private byte[] _bytes = [];
        private int _length;

        /// <summary>Reads what the pipe has; false at end of file (or an error, which ends the stream the same way).</summary>
        public bool ReadFrom(int fd)
        {
            if (_length == _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(InitialOutputCapacity, _bytes.Length * 2));
            }

            nint count;
            fixed (byte* free = &_bytes[_length])
            {
                count = Read(fd, free, (nuint)(_bytes.Length - _length));
            }

            if (count > 0)
            {
                _length += (int)count;
                return true;
            }

            return count < 0 && Marshal.GetLastPInvokeError() is EIntr or EAgain;
        }

        /// <summary>The bytes as UTF-8 without a leading byte order mark, as the Process runner's StreamReader read them.</summary>
        public string Decode() => HookToolOutput.Decode(_bytes.AsSpan(0, _length));
    }

    /// <summary>
    /// argv, envp, the executable's path and the working directory as NUL-terminated UTF-8 in one
    /// native allocation, laid out for posix_spawn.
    /// </summary>
    private sealed class LaunchBlock : IDisposable
    {
        private void* _memory;

        public LaunchBlock(string executable, IReadOnlyList<string> arguments, List<string> environment, string? workingDirectory)
        {
            var pointers = (nuint)(arguments.Count + 2 + environment.Count + 1);
            var bytes = SizeOf(executable) + SizeOf(workingDirectory);
            for (var i = 0; i < arguments.Count; i++)
            {
                bytes += SizeOf(arguments[i]);
            }

            foreach (var entry in environment)
            {
                bytes += SizeOf(entry);
            }

            _memory = NativeMemory.Alloc((pointers * (nuint)sizeof(nint)) + bytes);
            Argv = (byte**)_memory;
            Envp = Argv + arguments.Count + 2;
            var cursor = (byte*)(Envp + environment.Count + 1);

            Executable = Put(executable, ref cursor);
            Argv[0] = Executable;
            for (var i = 0; i < arguments.Count; i++)
            {
                Argv[i + 1] = Put(arguments[i], ref cursor);
            }

            Argv[arguments.Count + 1] = null;
            for (var i = 0; i < environment.Count; i++)
            {
                Envp[i] = Put(environment[i], ref cursor);
            }

            Envp[environment.Count] = null;
            WorkingDirectory = workingDirectory is null ? null : Put(workingDirectory, ref cursor);
        }

        public byte* Executable { get; }

        public byte* WorkingDirectory { get; }

        /// <summary>[executable, arguments..., NULL]: argv[0] is the full path, as Process passes it.</summary>
        public byte** Argv { get; }

        public byte** Envp { get; }

        public void Dispose()
        {
            NativeMemory.Free(_memory);
            _memory = null;
        }

        private static nuint SizeOf(string? text) => text is null ? 0 : (nuint)Encoding.UTF8.GetByteCount(text) + 1;

        private static byte* Put(string text, ref byte* cursor)
        {
            var start = cursor;
            var length = Encoding.UTF8.GetByteCount(text);
            _ = Encoding.UTF8.GetBytes(text, new Span<byte>(cursor, length));
            cursor[length] = 0;
            cursor += length + 1;
            return start;
        }
    }
}
