// ToolArguments: the argument parser of the hook tools, a port of the behaviour of
// juju/gnuflag v1.0.0 as cmd.Main drives it (interspersed flags allowed; spec §3.1), with the
// tools' "option" wording in every message and gnuflag's PrintDefaults format for --help.
using System.Globalization;
using System.Text;

namespace MlObs.Ops.Testing.Emulator;

/// <summary>A failure a hook tool reports as <c>ERROR &lt;message&gt;</c>; exit 2 for usage errors, 1 at run time.</summary>
internal sealed class ToolException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>An error of flag parsing or <c>Init</c> (argument validation): exit 2.</summary>
    public static ToolException Usage(string message) => new(message, 2);
}

/// <summary>One flag of a tool. <see cref="Names"/> lists the aliases (one letter = short flag).</summary>
internal sealed record FlagDef(string[] Names, bool IsBool, string Usage, string DefaultText = "", bool QuoteDefault = true)
{
    /// <summary>Checks (and may rewrite) a value when it is set, as a Go <c>flag.Value.Set</c> does; returns an error reason or null.</summary>
    public Func<string, string?>? Validate { get; init; }

    public string Canonical => Names[^1];

    public static FlagDef Bool(string usage, params string[] names) => new(names, true, usage, "false", QuoteDefault: false);

    public static FlagDef String(string usage, params string[] names) => new(names, false, usage);
}

/// <summary>The result of parsing one tool's argv.</summary>
internal sealed class ToolArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);

    private ToolArguments()
    {
    }

    /// <summary>The positional arguments, in order.</summary>
    public List<string> Positionals { get; } = [];

    /// <summary>True when <c>-h</c> or <c>--help</c> was given: the tool prints its help and exits 0.</summary>
    public bool HelpRequested { get; private set; }

    /// <summary>
    /// Parses <paramref name="args"/> like gnuflag with interspersed flags: <c>--</c> ends the
    /// flags, a lone <c>-</c> or empty string is positional, <c>--name=value</c> and
    /// <c>--name value</c>, <c>-r7</c> and <c>-r 7</c>, clustered short booleans, and a boolean
    /// takes a value only through <c>=</c>.
    /// </summary>
    /// <exception cref="ToolException">An unknown flag, a missing or rejected value (exit 2).</exception>
    public static ToolArguments Parse(IReadOnlyList<string> args, IReadOnlyList<FlagDef> flags)
    {
        var byName = new Dictionary<string, FlagDef>(StringComparer.Ordinal);
        foreach (var flag in flags)
        {
            foreach (var name in flag.Names)
            {
                byName[name] = flag;
            }
        }

        var result = new ToolArguments();
        var i = 0;
        while (i < args.Count)
        {
            var arg = args[i++];
            if (arg.Length == 0 || arg == "-" || arg[0] != '-')
            {
                result.Positionals.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                result.Positionals.AddRange(args.Skip(i));
                break;
            }

            if (arg[1] == '-')
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? arg[2..] : arg[2..eq];
                if (name.Length == 0)
                {
                    throw ToolException.Usage($"empty flag in argument \"{arg}\"");
                }

                string? inline = eq < 0 ? null : arg[(eq + 1)..];
                if (!result.Apply(byName, name, inline, args, ref i))
                {
                    return result;
                }

                continue;
            }

            // A cluster of one-letter flags; a value flag takes the rest of the cluster as its value.
            var rest = arg[1..];
            while (rest.Length > 0)
            {
                var name = rest[..1];
                rest = rest[1..];
                if (byName.TryGetValue(name, out var flag) && !flag.IsBool && rest.Length > 0)
                {
                    result.Set(flag, name, rest);
                    rest = string.Empty;
                    break;
                }

                if (byName.TryGetValue(name, out var boolFlag) && boolFlag.IsBool && rest.StartsWith('='))
                {
                    // gnuflag hands a short boolean "=v" verbatim to ParseBool, which rejects it.
                    result.Set(boolFlag, name, rest);
                    rest = string.Empty;
                    break;
                }

                if (!result.Apply(byName, name, null, args, ref i))
                {
                    return result;
                }
            }
        }

        return result;
    }

    /// <summary>Whether the flag was given.</summary>
    public bool Has(string name) => _set.Contains(name);

    /// <summary>The flag's value, or null when it was not given.</summary>
    public string? Value(string name) => _values.GetValueOrDefault(name);

    /// <summary>A boolean flag's value (false when not given).</summary>
    public bool Bool(string name) => _values.TryGetValue(name, out var v) && v == "true";

    /// <summary>
    /// gnuflag's <c>PrintDefaults</c> lines: aliases joined with <c>, </c>, then
    /// <c>%s  (= %s)\n    %s\n</c>, the default quoted for plain string flags (ops 2.20 parses the
    /// <c>-s  (= data/0)</c> line of <c>storage-get --help</c>, spec §1.4).
    /// </summary>
    public static string FlagHelp(IReadOnlyList<FlagDef> flags)
    {
        var builder = new StringBuilder();
        foreach (var flag in flags.OrderBy(f => f.Canonical, StringComparer.Ordinal))
        {
            var names = string.Join(", ", flag.Names.Select(n => n.Length == 1 ? "-" + n : "--" + n));
            var value = flag.QuoteDefault ? Quote(flag.DefaultText) : flag.DefaultText;
            builder.Append(CultureInfo.InvariantCulture, $"{names}  (= {value})\n    {flag.Usage}\n");
        }

        return builder.ToString();
    }

    /// <summary>Go's <c>%q</c> of a string.</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";

    /// <summary>Go's <c>%q</c> of a string slice, as <c>cmd.CheckEmpty</c> prints surplus arguments.</summary>
    public static string QuoteList(IEnumerable<string> values) => "[" + string.Join(' ', values.Select(Quote)) + "]";

    /// <summary>Go's <c>strconv.ParseBool</c>.</summary>
    public static bool? ParseBool(string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };

    /// <summary>Fails with <c>unrecognized args</c> when more than <paramref name="max"/> positionals were given (<c>cmd.CheckEmpty</c>).</summary>
    public void CheckMaxPositionals(int max)
    {
        if (Positionals.Count > max)
        {
            throw ToolException.Usage($"unrecognized args: {QuoteList(Positionals.Skip(max))}");
        }
    }

    private static string WithMinus(string name) => name.Length > 1 ? "--" + name : "-" + name;

    private bool Apply(Dictionary<string, FlagDef> byName, string name, string? inline, IReadOnlyList<string> args, ref int i)
    {
        if (!byName.TryGetValue(name, out var flag))
        {
            if (name is "help" or "h")
            {
                HelpRequested = true;
                return false;
            }

            throw ToolException.Usage($"option provided but not defined: {WithMinus(name)}");
        }

        if (flag.IsBool && inline is null)
        {
            Set(flag, name, "true");
            return true;
        }

        if (inline is null)
        {
            if (i >= args.Count)
            {
                throw ToolException.Usage($"option needs an argument: {WithMinus(name)}");
            }

            inline = args[i++];
        }

        Set(flag, name, inline);
        return true;
    }

    private void Set(FlagDef flag, string typedName, string value)
    {
        if (flag.IsBool)
        {
            var parsed = ParseBool(value)
                ?? throw ToolException.Usage($"invalid value {Quote(value)} for option {WithMinus(typedName)}: strconv.ParseBool: parsing {Quote(value)}: invalid syntax");
            _values[flag.Canonical] = parsed ? "true" : "false";
        }
        else
        {
            if (flag.Validate?.Invoke(value) is { } reason)
            {
                throw ToolException.Usage($"invalid value {Quote(value)} for option {WithMinus(typedName)}: {reason}");
            }

            _values[flag.Canonical] = value;
        }

        _set.Add(flag.Canonical);
    }
}
