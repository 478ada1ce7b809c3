namespace MlObs.Drift.Reports;

/// <summary>What the HTML report says about itself besides the report: its title, the data it compared, when it was made.</summary>
public sealed record HtmlReportOptions
{
    /// <summary>The page title and heading.</summary>
    public string Title { get; init; } = "Drift report";

    /// <summary>What the reference was (a file name, a profile id); not shown when null.</summary>
    public string? ReferenceName { get; init; }

    /// <summary>What the current data was (a file name, a window); not shown when null.</summary>
    public string? CurrentName { get; init; }

    /// <summary>
    /// When the report was made, as the caller's clock says (the renderer never reads the clock, so the same report renders to
    /// the same bytes); not shown when null.
    /// </summary>
    public DateTimeOffset? GeneratedAt { get; init; }
}
