// BundleArgs: the string forms bundle changes carry, turned into API shapes: constraints
// ("mem=4G cores=2"), storage ("ebs,10G,2"), unit placement ("3", "lxd:3") and series names.
using System.Globalization;

namespace Juju.Net;

internal static class BundleArgs
{
    private static readonly Dictionary<string, string> SeriesVersions = new(StringComparer.Ordinal)
    {
        ["focal"] = "20.04",
        ["jammy"] = "22.04",
        ["noble"] = "24.04",
    };

    /// <summary>Parses Juju's constraints string (<c>key=value</c> separated by spaces); sizes in MiB with optional M/G/T/P suffix.</summary>
    public static Value ParseConstraints(string? text)
    {
        var value = new Value();
        foreach (var item in (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new JujuOperationException($"constraint {item} is not key=value");
            }

            var (key, v) = (item[..eq], item[(eq + 1)..]);
            var list = v.Split(',', StringSplitOptions.RemoveEmptyEntries);
            value = key switch
            {
                "arch" => value with { Arch = v },
                "container" => value with { Container = v },
                "cores" => value with { Cores = Number(key, v) },
                "cpu-power" => value with { CpuPower = Number(key, v) },
                "mem" => value with { Mem = Size(key, v) },
                "root-disk" => value with { RootDisk = Size(key, v) },
                "root-disk-source" => value with { RootDiskSource = v },
                "tags" => value with { Tags = list },
                "spaces" => value with { Spaces = list },
                "zones" => value with { Zones = list },
                "instance-type" => value with { InstanceType = v },
                "instance-role" => value with { InstanceRole = v },
                "image-id" => value with { ImageId = v },
                "virt-type" => value with { VirtType = v },
                "allocate-public-ip" => value with { AllocatePublicIp = v == "true" },
                _ => throw new JujuOperationException($"unknown constraint {key} in \"{text}\""),
            };
        }

        return value;
    }

    /// <summary>Parses a storage directive: comma-separated pool name, size (M/G/T/P suffix) and count, each optional; the count defaults to 1.</summary>
    public static Constraints ParseStorage(string text)
    {
        var result = new Constraints { Count = 1 };
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                result = result with { Count = count };
            }
            else if (char.IsAsciiDigit(part[0]))
            {
                result = result with { Size = Size("storage size", part) };
            }
            else
            {
                result = result with { Pool = part };
            }
        }

        return result;
    }

    /// <summary>Turns a resolved unit placement (<c>3</c>, <c>lxd:3</c>, <c>lxd</c>, <c>zone=a</c>) into the API's placement.</summary>
    public static Placement ParsePlacement(string to)
    {
        var colon = to.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            return new Placement { Scope = to[..colon], Directive = to[(colon + 1)..] };
        }

        return to switch
        {
            "lxd" or "kvm" => new Placement { Scope = to, Directive = "" },
            _ when to.Contains('=', StringComparison.Ordinal) => new Placement { Scope = "", Directive = to },
            _ => new Placement { Scope = "#", Directive = to },
        };
    }

    /// <summary>The Ubuntu base of an old-style series name, or <see langword="null"/> for none.</summary>
    public static Base? BaseOfSeries(string? series) =>
        string.IsNullOrEmpty(series) ? null
        : SeriesVersions.TryGetValue(series, out var version) ? new Base { Name = "ubuntu", Channel = version }
        : throw new JujuOperationException($"unknown series {series}; give the base (e.g. ubuntu@22.04) instead");

    private static long Number(string key, string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new JujuOperationException($"constraint {key}={text} is not a whole number");

    private static long Size(string key, string text)
    {
        var multiplier = char.ToUpperInvariant(text[^1]) switch
        {
            'M' => 1L,
            'G' => 1024L,
            'T' => 1024L * 1024,
            'P' => 1024L * 1024 * 1024,
            _ => 0L,
        };
        var digits = multiplier == 0 ? text : text[..^1];
        return double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
            ? (long)Math.Ceiling(n * Math.Max(multiplier, 1))
            : throw new JujuOperationException($"{key}={text} is not a size (e.g. 512M, 4G)");
    }
}
