// PlanService: starts one service of a container's Pebble plan on this machine, as Pebble would start it in the
// container: the service's command and environment, with the container's paths mapped to the local directories that
// stand for them (the container's mounts), listen addresses narrowed to loopback, and the workload binary of the image
// (/opt/mlobs/mlobs) replaced by this mlobs.
using MlObs.Ops.Pebble;
using MlObs.Ops.Testing;
using MlObs.Ops.Testing.State;

namespace MlObs.Cli.Demo;

/// <summary>One service of a Pebble plan, run locally.</summary>
internal static class PlanService
{
    /// <summary>Where the drift-monitor image installs mlobs (charms/drift-monitor-k8s/image).</summary>
    public const string ImageBinary = "/opt/mlobs/mlobs";

    /// <summary>
    /// The local command line of a plan service: the command split as Pebble splits it (shell words), the image's mlobs
    /// replaced by <c>dotnet mlobs.dll</c>, every argument under a mount's location moved to the mount's source, and
    /// <c>--bind ADDRESS</c> set to 127.0.0.1.
    /// </summary>
    /// <param name="container">The container, with its layers and mounts.</param>
    /// <param name="serviceName">The service.</param>
    /// <returns>The executable, its arguments and the service's environment.</returns>
    /// <exception cref="DemoException">The plan has no such service, or it runs something other than mlobs.</exception>
    public static (string FileName, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment) CommandLine(ContainerState container, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(container);
        var plan = container.GetPlan();
        if (!plan.Services.TryGetValue(serviceName, out var service) || string.IsNullOrWhiteSpace(service.Command))
        {
            throw new DemoException($"the {container.Name} container's Pebble plan has no service {serviceName} with a command");
        }

        var words = ShellWords(service.Command);
        if (words[0] != ImageBinary)
        {
            throw new DemoException($"the service {serviceName} runs {words[0]}, not {ImageBinary}: the demo can only run mlobs");
        }

        var arguments = new List<string> { typeof(PlanService).Assembly.Location };
        for (var i = 1; i < words.Count; i++)
        {
            var word = words[i];
            if (word == "--bind" && i + 1 < words.Count)
            {
                arguments.Add(word);
                arguments.Add("127.0.0.1");
                i++;
                continue;
            }

            arguments.Add(MapPath(container, word));
        }

        return (ChildProcess.Dotnet, arguments, new Dictionary<string, string>(service.Environment, StringComparer.Ordinal));
    }

    private static string MapPath(ContainerState container, string word)
    {
        foreach (var mount in container.Mounts.Values.OrderByDescending(m => m.Location.Length))
        {
            var location = mount.Location.TrimEnd('/');
            if (word == location)
            {
                return mount.Source;
            }

            if (word.StartsWith(location + "/", StringComparison.Ordinal))
            {
                return Path.Combine(mount.Source, word[(location.Length + 1)..]);
            }
        }

        return word;
    }

    // Pebble splits a service's command with shell quoting rules (github.com/canonical/x-go/strutil/shlex).
    private static List<string> ShellWords(string command)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < command.Length)
                {
                    word.Append(command[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c == '\\' && i + 1 < command.Length)
            {
                word.Append(command[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            throw new DemoException($"the service command has an unclosed {quote}: {command}");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words.Count > 0 ? words : throw new DemoException("the service command is empty");
    }
}
