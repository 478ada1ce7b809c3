// FakeJujuData: a Juju CLI data dir (controllers.yaml, accounts.yaml, models.yaml) that points at a fake
// controller, so programs that discover their controller as `juju` does (JUJU_DATA) reach the fake.
namespace Juju.Net.Testing;

/// <summary>Writes the Juju CLI's client store for one controller and one model.</summary>
public static class FakeJujuData
{
    /// <summary>Writes the three files into <paramref name="directory"/> with the controller and model current.</summary>
    /// <param name="directory">The JUJU_DATA directory (created if missing).</param>
    /// <param name="controller">The running fake controller (address and CA).</param>
    /// <param name="controllerName">The controller's name in the files.</param>
    /// <param name="model">The model as <c>owner/name</c>.</param>
    /// <param name="modelUuid">The model UUID the fake knows.</param>
    /// <param name="password">The account's password; default the fake's.</param>
    public static void Write(string directory, FakeController controller, string controllerName, string model, string modelUuid, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        Directory.CreateDirectory(directory);
        var caLines = string.Concat(controller.CaCert.TrimEnd('\n').Split('\n').Select(l => $"      {l}\n"));
        File.WriteAllText(Path.Combine(directory, "controllers.yaml"),
            $"controllers:\n  {controllerName}:\n    uuid: {controller.Options.ControllerUuid}\n    api-endpoints: ['{controller.Address}']\n    ca-cert: |\n{caLines}    agent-version: {controller.Options.ServerVersion}\ncurrent-controller: {controllerName}\n");
        File.WriteAllText(Path.Combine(directory, "accounts.yaml"),
            $"controllers:\n  {controllerName}:\n    user: {controller.Options.User}\n    password: {password ?? controller.Options.Password}\n    last-known-access: superuser\n");
        File.WriteAllText(Path.Combine(directory, "models.yaml"),
            $"controllers:\n  {controllerName}:\n    models:\n      {model}:\n        uuid: {modelUuid}\n        type: caas\n    current-model: {model}\n");
    }
}
