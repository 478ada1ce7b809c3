// JujuNames: the name rules Juju applies to applications, endpoints, models, bases and channels
// (juju/names ApplicationSnippet and RelationSnippet; charm channel and base syntax).
using System.Text.RegularExpressions;

namespace MlObs.Bundles.Checking;

internal static partial class JujuNames
{
    private static readonly string[] Risks = ["stable", "candidate", "beta", "edge"];

    public static bool IsApplication(string name) => ApplicationPattern().IsMatch(name);

    public static bool IsEndpoint(string name) => EndpointPattern().IsMatch(name);

    public static bool IsModel(string name) => ModelPattern().IsMatch(name);

    /// <summary><c>os@channel</c>, e.g. <c>ubuntu@24.04</c>.</summary>
    public static bool IsBase(string text) => BasePattern().IsMatch(text);

    /// <summary>
    /// <c>risk</c>, <c>track</c>, <c>track/risk</c>, <c>risk/branch</c> or <c>track/risk/branch</c>, with risk one of
    /// stable, candidate, beta, edge. Returns the reason when it is not.
    /// </summary>
    public static string? ChannelError(string channel)
    {
        var parts = channel.Split('/');
        if (parts.Any(p => p.Length == 0) || parts.Length > 3)
        {
            return "a channel is [TRACK/]RISK[/BRANCH]";
        }

        return parts.Length switch
        {
            1 => null,
            2 when Risks.Contains(parts[1]) || Risks.Contains(parts[0]) => null,
            3 when Risks.Contains(parts[1]) => null,
            _ => $"the risk must be one of {string.Join(", ", Risks)}",
        };
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$")]
    private static partial Regex ApplicationPattern();

    [GeneratedRegex("^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")]
    private static partial Regex EndpointPattern();

    [GeneratedRegex("^[a-z0-9]+[a-z0-9-]*$")]
    private static partial Regex ModelPattern();

    [GeneratedRegex(@"^[a-z]+@[0-9]+(?:\.[0-9]+)*(?:/[a-z0-9.-]+)?$")]
    private static partial Regex BasePattern();
}
