// SourceLocation: a place in a bundle, overlay, catalog or charm file, as YamlDotNet marks it (1-based).
namespace MlObs.Bundles;

/// <summary>A line and column in a file, both counted from 1.</summary>
/// <param name="File">The file as the user named it (or relative to the working directory).</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
public sealed record SourceLocation(string File, int Line, int Column)
{
    /// <summary>The location as <c>FILE:LINE:COLUMN</c>, the form compilers and editors understand.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
