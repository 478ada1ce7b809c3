// Promtool: `promtool check rules` on a generated rule file (CI installs prometheus).
using System.Diagnostics;

namespace MlObs.Cos.Tests;

internal static class Promtool
{
    public static void AssertRulesValid(string yaml, string name = "rules.yml")
    {
        const string promtool = "/usr/bin/promtool";
        Assert.True(File.Exists(promtool), "promtool is missing: install prometheus (CI does) to check generated rule files.");
        var dir = Directory.CreateTempSubdirectory("mlobs-promtool-").FullName;
        try
        {
            var file = Path.Combine(dir, name);
            File.WriteAllText(file, yaml);
            var start = new ProcessStartInfo(promtool) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("check");
            start.ArgumentList.Add("rules");
            start.ArgumentList.Add(file);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"promtool check rules failed ({process.ExitCode}):\n{stdout.Result}\n{stderr}\n--- file ---\n{yaml}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
