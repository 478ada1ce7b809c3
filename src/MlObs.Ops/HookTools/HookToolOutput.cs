// HookToolOutput: how a hook tool's output bytes become the strings of a HookCommandResult, the
// same whichever way the tool ran (a child process or a call on the agent's socket).
using System.Text;

namespace MlObs.Ops.HookTools;

/// <summary>Decodes what a hook tool printed.</summary>
internal static class HookToolOutput
{
    /// <summary>The bytes as UTF-8 without a leading byte order mark, as the Process runner's StreamReader read them.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[Encoding.UTF8.Preamble.Length..];
        }

        return bytes.IsEmpty ? string.Empty : Encoding.UTF8.GetString(bytes);
    }
}
