// `mlobs juju`: drives a Juju model through Juju.Net (no juju binary needed): status, deploy a bundle with
// overlays, integrate, wait for the model to settle, run an action, get and set config. The controller,
// account and model come from the Juju CLI's own files (JUJU_DATA), as `juju` finds them.
// Exit codes: 0 done, 1 the controller or the model said no (or a wait failed), 2 usage.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Juju.Net;
using MlObs.Ops.Pebble;

namespace MlObs.Cli.Commands;

/// <summary>The <c>juju</c> verb and its sub-commands.</summary>
internal static class JujuCommand
{
    /// <summary>Exit code when the operation succeeded.</summary>
    public const int Ok = 0;

    /// <summary>Exit code when the controller refused, a change failed, or a wait or action did not end well.</summary>
    public const int Failed = 1;

    /// <summary>Exit code for usage errors: bad options, unreadable files, no such controller or model.</summary>
    public const int UsageError = 2;

    private static readonly Option<string?> ControllerOption = new("--controller", "-c")
    {
        Description = "The controller, as `juju controllers` names it; default: JUJU_CONTROLLER, else the current controller.",
        HelpName = "NAME",
        Recursive = true,
    };

    private static readonly Option<string?> ModelOption = new("--model", "-m")
    {
        Description = "The model: NAME, OWNER/NAME or CONTROLLER:NAME; default: JUJU_MODEL, else the controller's current model.",
        HelpName = "MODEL",
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command(
            "juju",
            "Drive a Juju model through the controller API (Juju.Net): status, deploy, integrate, wait, run, config. "
            + "The controller, account and model are found in the Juju CLI's files under JUJU_DATA (default "
            + "~/.local/share/juju: controllers.yaml, accounts.yaml, models.yaml), so run `juju login` (or bootstrap) "
            + "once first. Exit code: 0 done, 1 the controller refused or a wait or action failed, 2 usage.")
        {
            CreateStatus(),
            CreateDeploy(),
            CreateIntegrate(),
            CreateWait(),
            CreateRun(),
            CreateConfig(),
        };
        command.Options.Add(ControllerOption);
        command.Options.Add(ModelOption);
        return command;
    }

    private static Command CreateStatus()
    {
        var patterns = new Argument<string[]>("PATTERN") { Description = "Applications or units to show (as `juju status` takes them); none: all.", Arity = ArgumentArity.ZeroOrMore };
        var format = new Option<string>("--format", "-f") { HelpName = "text|json", Description = "text: tables of applications, units, offers and relations; json: the FullStatus reply.", DefaultValueFactory = _ => "text" };
        var command = new Command("status", "Show the model's applications, units, remote applications and relations (Client.FullStatus).")
        {
            patterns, format,
        };
        command.SetAction((parse, ct) => RunAsync(parse, async (session, token) =>
        {
            var formatText = CheckFormat(parse.GetValue(format)!);
            var status = await session.Operations.StatusAsync(parse.GetValue(patterns), token).ConfigureAwait(false);
            await Console.Out.WriteAsync(formatText == "json"
                ? JsonSerializer.Serialize(status, JujuJsonContext.Default.FullStatus) + "\n"
                : JujuStatusText.Render(status)).ConfigureAwait(false);
            return Ok;
        }, ct));
        return command;
    }

    private static Command CreateDeploy()
    {
        var bundle = new Argument<FileInfo>("BUNDLE") { Description = "The bundle file (bundle.yaml). Local charms in it are uploaded (a .charm file, as `mlobs charm pack` writes)." };
        var overlays = new Option<FileInfo[]>("--overlay") { HelpName = "FILE", Description = "An overlay applied on top of the bundle, as `juju deploy --overlay`; repeatable, applied in order.", AllowMultipleArgumentsPerToken = false };
        var command = new Command(
            "deploy",
            "Deploy a bundle with overlays: the controller computes the changes (Bundle.GetChangesMapArgs); each change that the "
            + "model does not already satisfy is applied in order, with one line of progress per change. Deploying again applies nothing.")
        {
            bundle, overlays,
        };
        command.SetAction((parse, ct) => RunAsync(parse, async (session, token) =>
        {
            var bundleFile = parse.GetValue(bundle)!;
            var yaml = await ReadAsync(bundleFile, token).ConfigureAwait(false);
            var overlayTexts = new List<string>();
            foreach (var overlay in parse.GetValue(overlays) ?? [])
            {
                overlayTexts.Add(await ReadAsync(overlay, token).ConfigureAwait(false));
            }

            var overlayNames = (parse.GetValue(overlays) ?? []).Select(f => f.Name).ToList();
            await Console.Error.WriteLineAsync($"Deploying {bundleFile.Name}{(overlayNames.Count == 0 ? string.Empty : " with " + string.Join(", ", overlayNames))} into {session.ModelName} ...").ConfigureAwait(false);
            var result = await session.Operations.DeployBundleAsync(
                yaml,
                overlayTexts,
                new SyncProgress<BundleProgress>(p => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{p.Index + 1}/{p.Count}] {(p.State == BundleChangeState.Applied ? "applied" : "skipped")} {p.Change.Description}{(p.Detail.Length > 0 ? $": {p.Detail}" : string.Empty)}"))),
                bundleFile.DirectoryName,
                token).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Deployed {bundleFile.Name}: {result.Applied} change(s) applied, {result.Skipped} already in place. `mlobs juju wait` waits for the units to settle.")).ConfigureAwait(false);
            return Ok;
        }, ct));
        return command;
    }

    private static Command CreateIntegrate()
    {
        var first = new Argument<string>("A") { Description = "An application, with an optional endpoint: APP or APP:ENDPOINT." };
        var second = new Argument<string>("B") { Description = "The other side: APP or APP:ENDPOINT (a consumed offer's name works too)." };
        var command = new Command("integrate", "Relate two applications (Application.AddRelation), as `juju integrate`. A relation that exists already is success.")
        {
            first, second,
        };
        command.SetAction((parse, ct) => RunAsync(parse, async (session, token) =>
        {
            var a = parse.GetValue(first)!;
            var b = parse.GetValue(second)!;
            var added = await session.Operations.IntegrateAsync(a, b, token).ConfigureAwait(false);
            await Console.Out.WriteLineAsync(added ? $"Integrated {a} with {b}." : $"{a} and {b} were already integrated.").ConfigureAwait(false);
            return Ok;
        }, ct));
        return command;
    }

    private static Command CreateWait()
    {
        var timeout = new Option<TimeSpan>("--timeout") { HelpName = "DURATION", Description = "Give up after this long (a Go duration, as juju takes: 30m, 90s, 1h30m).", DefaultValueFactory = _ => TimeSpan.FromMinutes(30), CustomParser = ParseDuration };
        var idle = new Option<TimeSpan>("--idle-period") { HelpName = "DURATION", Description = "How long every unit must stay active and idle.", DefaultValueFactory = _ => TimeSpan.FromSeconds(15), CustomParser = ParseDuration };
        var apps = new Option<string[]>("--app") { HelpName = "APP", Description = "Wait only for this application's units; repeatable. Default: every application of the model.", AllowMultipleArgumentsPerToken = false };
        var allowBlocked = new Option<bool>("--allow-blocked") { Description = "Keep waiting on a blocked unit instead of failing (a charm that waits for a relation or an action is blocked)." };
        var command = new Command(
            "wait",
            "Wait until every unit is active with its agent idle for the idle period (polling Client.FullStatus every second), "
            + "printing what is still pending. Fails at once when a unit goes into error (or blocked, unless --allow-blocked), and at the timeout.")
        {
            timeout, idle, apps, allowBlocked,
        };
        command.SetAction((parse, ct) => RunAsync(parse, async (session, token) =>
        {
            var limit = parse.GetValue(timeout);
            var operations = session.OperationsWith(new JujuOperationsOptions
            {
                IdlePeriod = parse.GetValue(idle),
                FailOnBlocked = !parse.GetValue(allowBlocked),
            });
            string? last = null;
            var status = await operations.WaitForIdleAsync(
                limit,
                parse.GetValue(apps),
                new SyncProgress<IdleProgress>(p =>
                {
                    var line = string.Create(CultureInfo.InvariantCulture, $"{p.Ready}/{p.Total} units ready") + (p.Pending.Count == 0 ? string.Empty : "; waiting for " + string.Join(", ", p.Pending.Take(5)) + (p.Pending.Count > 5 ? $" and {p.Pending.Count - 5} more" : string.Empty));
                    if (line != last)
                    {
                        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{p.Elapsed:hh\\:mm\\:ss}] {line}"));
                        last = line;
                    }
                }),
                token).ConfigureAwait(false);
            var units = (status.Applications ?? new Dictionary<string, ApplicationStatus>()).Values.Sum(a => a.Units?.Count ?? 0);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{session.ModelName} is settled: {units} unit(s) active and idle.")).ConfigureAwait(false);
            return Ok;
        }, ct));
        return command;
    }

    private static Command CreateRun()
    {
        var unit = new Argument<string>("UNIT") { Description = "The unit, e.g. drift-monitor/0." };
        var action = new Argument<string>("ACTION") { Description = "The action name, e.g. set-reference." };
        var parameters = new Argument<string[]>("PARAM") { Description = "Action parameters KEY=VALUE; values are parsed as YAML scalars as `juju run` does (true, 3, 0.5 stay typed; quote to keep a string).", Arity = ArgumentArity.ZeroOrMore };
        var timeout = new Option<TimeSpan>("--wait") { HelpName = "DURATION", Description = "How long to wait for the action to end.", DefaultValueFactory = _ => TimeSpan.FromMinutes(10), CustomParser = ParseDuration };
        var format = new Option<string>("--format", "-f") { HelpName = "text|json", Description = "text: the results as KEY: VALUE lines; json: the results object.", DefaultValueFactory = _ => "text" };
        var command = new Command("run", "Run an action on a unit and wait for its result (Action.EnqueueOperation, then Action.Actions), as `juju run`. Exit 1 when the action fails.")
        {
            unit, action, parameters, timeout, format,
        };
        command.SetAction((parse, ct) => RunAsync(parse, async (session, token) =>
        {
            var formatText = CheckFormat(parse.GetValue(format)!);
            var values = ActionParameters.Parse(parse.GetValue(parameters) ?? []);
            var outcome = await session.Operations.RunActionAsync(parse.GetValue(unit)!, parse.GetValue(action)!, values, parse.GetValue(timeout), token).ConfigureAwait(false);
            if (formatText == "json")
            {
                await Console.Out.WriteLineAsync(ActionParameters.ToJson(outcome.Output)).ConfigureAwait(false);
            }
            else
            {
                foreach (var (key, value) in outcome.Output.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    await Console.Out.WriteLineAsync($"{key}: {(value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText())}").ConfigureAwait(false);
                }
            }

            foreach (var line in outcome.Log)
            {
                await Console.Error.WriteLineAsync($"log: {line}").ConfigureAwait(false);
            }

            if (outcome.Succeeded)
            {
                return Ok;
            }

            await Console.Error.WriteLineAsync($"error: action {parse.GetValue(action)} on {parse.GetValue(unit)} {outcome.Status}{(outcome.Message.Length > 0 ? $": {outcome.Message}" : string.Empty)} (action id {outcome.ActionId})").ConfigureAwait(false);
            return Failed;
        }, ct));
        return command;
    }

    private static Command CreateConfig()
    {
        var application = new Argument<string>("APP") { Description = "The application." };
        var settings = new Argument<string[]>("SETTING") { Description = "KEY=VALUE pairs to set; none: print every option with its value and source. KEY alone prints that option's value.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("config", "Get or set an application's charm options (Application.Get, Application.SetConfigs), as `juju config`.")
        {
            application, settings,
        };
        command.SetAction((parse, ct) => RunAsync(parse, async (session, token) =>
        {
            var app = parse.GetValue(application)!;
            var pairs = parse.GetValue(settings) ?? [];
            if (pairs.Length > 0 && pairs.All(p => p.Contains('=', StringComparison.Ordinal)))
            {
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var pair in pairs)
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals == 0)
                    {
                        throw new JujuUsageException($"'{pair}': expected KEY=VALUE");
                    }

                    values[pair[..equals]] = pair[(equals + 1)..];
                }

                await session.Operations.SetConfigAsync(app, values, token).ConfigureAwait(false);
                await Console.Out.WriteLineAsync($"Set {string.Join(", ", values.Keys)} of {app}.").ConfigureAwait(false);
                return Ok;
            }

            if (pairs.Any(p => p.Contains('=', StringComparison.Ordinal)))
            {
                throw new JujuUsageException("give either KEY=VALUE pairs to set or one KEY to read, not both");
            }

            var current = await session.Operations.GetConfigAsync(app, token).ConfigureAwait(false);
            if (pairs.Length == 1)
            {
                if (!current.Options.TryGetValue(pairs[0], out var option))
                {
                    throw new JujuUsageException($"{app} ({current.Charm}) has no option '{pairs[0]}'; its options: {string.Join(", ", current.Options.Keys.Order(StringComparer.Ordinal))}");
                }

                await Console.Out.WriteLineAsync(Shown(option.Value)).ConfigureAwait(false);
                return Ok;
            }

            if (pairs.Length > 1)
            {
                throw new JujuUsageException("to read, give one KEY; to set, give KEY=VALUE pairs");
            }

            foreach (var option in current.Options.Values.OrderBy(o => o.Name, StringComparer.Ordinal))
            {
                await Console.Out.WriteLineAsync($"{option.Name} = {Shown(option.Value)}  ({option.Type}, {option.Source})").ConfigureAwait(false);
            }

            return Ok;
        }, ct));
        return command;
    }

    private static string Shown(JsonElement? value) => value switch
    {
        null => "(unset)",
        { ValueKind: JsonValueKind.String } v => v.GetString()!,
        { } v => v.GetRawText(),
    };

    private static string CheckFormat(string format)
    {
        var lower = format.ToLowerInvariant();
        return lower is "text" or "json" ? lower : throw new JujuUsageException($"--format {format}: expected text or json");
    }

    private static async Task<string> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JujuUsageException($"{file}: {e.Message}");
        }
    }

    private static TimeSpan ParseDuration(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (GoDuration.TryParse(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        result.AddError($"'{text}' is not a duration: use a positive Go duration such as 30m, 90s or 1h30m");
        return default;
    }

    /// <summary>Connects, runs <paramref name="body"/>, and turns every failure into one line on stderr and an exit code.</summary>
    private static async Task<int> RunAsync(ParseResult parse, Func<JujuSession, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            await using var session = await JujuSession.OpenAsync(parse.GetValue(ControllerOption), parse.GetValue(ModelOption), Console.Error, cancellationToken).ConfigureAwait(false);
            return await body(session, cancellationToken).ConfigureAwait(false);
        }
        catch (JujuUsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
        catch (JujuClientStoreException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
        catch (JujuSessionException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (JujuWaitException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            foreach (var unit in e.Units)
            {
                await Console.Error.WriteLineAsync($"  {unit}").ConfigureAwait(false);
            }

            return Failed;
        }
        catch (JujuOperationException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Failed;
        }
        catch (JujuApiException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Failed;
        }
        catch (JujuConnectionException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return Failed;
        }
    }

    /// <summary>Reports progress on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>A usage error of <c>mlobs juju</c>: exit code 2, one line.</summary>
internal sealed class JujuUsageException(string message) : Exception(message);
