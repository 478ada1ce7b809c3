// SourceText: a metadata file's text together with the name used in error messages.
namespace MlObs.Ops.Metadata;

internal sealed record SourceText(string Name, string Text);
