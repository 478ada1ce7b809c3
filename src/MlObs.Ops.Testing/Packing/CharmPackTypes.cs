// The public shapes of `mlobs charm pack`: what to pack, what came out, and what was wrong with the charm.
namespace MlObs.Ops.Testing.Packing;

/// <summary>What <see cref="CharmPacker.PackAsync"/> packs and how.</summary>
public sealed class CharmPackOptions
{
    /// <summary>The charm project: a directory with <c>charmcraft.yaml</c> and one C# project with <c>&lt;PublishAot&gt;true</c>.</summary>
    public required string CharmDir { get; init; }

    /// <summary>
    /// Where the <c>.charm</c> goes (default: <see cref="CharmDir"/>); with <see cref="LayoutOnly"/>, the directory that
    /// receives the layout (default: <c>CHARM_DIR/build/charm</c>, the <c>source</c> of the dump part in charmcraft.yaml).
    /// </summary>
    public string? OutputDir { get; init; }

    /// <summary>Publish the charm project first (true), or reuse the binary of the last publish (false).</summary>
    public bool Publish { get; init; } = true;

    /// <summary>The .NET runtime identifier to publish for: <c>linux-x64</c> (platform amd64) or <c>linux-arm64</c> (arm64).</summary>
    public string RuntimeIdentifier { get; init; } = "linux-x64";

    /// <summary>
    /// Write the files charmcraft does not generate itself (dispatch, README.md, LICENSE, icon.svg, src/ assets) into
    /// a directory instead of a zip, for <c>charmcraft pack</c> with the dump plugin. Everything is still validated.
    /// </summary>
    public bool LayoutOnly { get; init; }

    /// <summary>Show the output of <c>dotnet publish</c> even when it succeeds.</summary>
    public bool Verbose { get; init; }

    /// <summary>The clock for <c>charmcraft-started-at</c> in manifest.yaml.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>How bad a <see cref="CharmPackProblem"/> is.</summary>
public enum CharmPackSeverity
{
    /// <summary>The charm would not work, or Juju or Charmhub would refuse it: nothing is written.</summary>
    Error,

    /// <summary>Probably a mistake, but the charm can be packed.</summary>
    Warning,
}

/// <summary>One thing wrong with a charm project, located by file and key.</summary>
/// <param name="Severity">Error or warning.</param>
/// <param name="File">The file, relative to the charm dir where it is inside it (e.g. <c>charmcraft.yaml</c>).</param>
/// <param name="Key">The dotted key inside the file (e.g. <c>actions.greet.description</c>); empty for the whole file.</param>
/// <param name="Message">What is wrong and, where it helps, what to do.</param>
public sealed record CharmPackProblem(CharmPackSeverity Severity, string File, string Key, string Message)
{
    /// <summary>One line: <c>error: charmcraft.yaml: actions.greet: message</c>.</summary>
    /// <returns>The line.</returns>
    public override string ToString() =>
        $"{(Severity == CharmPackSeverity.Error ? "error" : "warning")}: {File}{(Key.Length > 0 ? ": " + Key : string.Empty)}: {Message}";
}

/// <summary>What <see cref="CharmPacker.PackAsync"/> did.</summary>
public sealed class CharmPackResult
{
    /// <summary>The <c>.charm</c> file (or the layout directory) written; null when errors stopped the pack.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Every error and warning found, errors first.</summary>
    public required IReadOnlyList<CharmPackProblem> Problems { get; init; }

    /// <summary>The entries written, in archive order (paths with <c>/</c>); empty when nothing was written.</summary>
    public IReadOnlyList<string> Entries { get; init; } = [];

    /// <summary>Whether the charm was written (no errors).</summary>
    public bool Succeeded => OutputPath is not null;
}

/// <summary>The request itself is unusable (the charm dir does not exist, an unknown runtime identifier): exit code 2.</summary>
public sealed class CharmPackUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CharmPackUsageException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    /// <param name="message">One line naming the option or path.</param>
    public CharmPackUsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    /// <param name="message">One line naming the option or path.</param>
    /// <param name="innerException">The cause.</param>
    public CharmPackUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
