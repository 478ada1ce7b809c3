// Promtool: runs /usr/bin/promtool (Debian package prometheus, 2.42 in CI) and returns its exit code and output.
using System.Diagnostics;

namespace CharmRules.Testing;

/// <summary>The promtool binary the rule tests run.</summary>
public static class Promtool
{
    public const string Path = "/usr/bin/promtool";

    public const string Missing =
        "promtool is not installed at /usr/bin/promtool: install the Debian/Ubuntu package 'prometheus' (CI does) to check the alert rules.";

    public static bool Installed => File.Exists(Path);

    /// <summary>Runs promtool with the arguments in <paramref name="workingDirectory"/>; returns the exit code and output.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            return (-1, "promtool did not finish within 2 minutes");
        }

        return (process.ExitCode, stdout.Result + stderr);
    }
}
