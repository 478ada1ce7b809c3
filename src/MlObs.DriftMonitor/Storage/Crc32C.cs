using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace MlObs.DriftMonitor.Storage;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF; the check value of
/// "123456789" is 0xE3069283), computed with the SSE4.2 or ARMv8 CRC instructions when the processor has them and with a
/// 256-entry table otherwise.
/// </summary>
internal static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78;

    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a CRC: the CRC-32C of the bytes that gave <paramref name="crc"/> followed by <paramref name="data"/>
    /// (<c>Append(Compute(a), b) == Compute(a ‖ b)</c>).
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint register = ~crc;
        if (Sse42.X64.IsSupported)
        {
            ulong wide = register;
            while (data.Length >= 8)
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            register = (uint)wide;
        }
        else if (ArmCrc32.Arm64.IsSupported)
        {
            while (data.Length >= 8)
            {
                register = ArmCrc32.Arm64.ComputeCrc32C(register, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
        }
        if (Sse42.IsSupported)
        {
            foreach (byte b in data)
            {
                register = Sse42.Crc32(register, b);
            }
        }
        else if (ArmCrc32.IsSupported)
        {
            foreach (byte b in data)
            {
                register = ArmCrc32.ComputeCrc32C(register, b);
            }
        }
        else
        {
            uint[] table = Table;
            foreach (byte b in data)
            {
                register = table[(byte)(register ^ b)] ^ (register >> 8);
            }
        }
        return ~register;
    }

    /// <summary>The table-driven form, whatever the processor: the reference the accelerated paths are tested against.</summary>
    internal static uint ComputeWithTable(ReadOnlySpan<byte> data)
    {
        uint register = uint.MaxValue;
        foreach (byte b in data)
        {
            register = Table[(byte)(register ^ b)] ^ (register >> 8);
        }
        return ~register;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint value = i;
            for (int bit = 0; bit < 8; bit++)
            {
                value = (value & 1) != 0 ? (value >> 1) ^ ReflectedPolynomial : value >> 1;
            }
            table[i] = value;
        }
        return table;
    }
}
