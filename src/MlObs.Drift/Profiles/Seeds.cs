namespace MlObs.Drift.Profiles;

/// <summary>Deterministic seeds (HashCode is randomised per process, so it cannot be used: profiles must be reproducible).</summary>
internal static class Seeds
{
    public static int Stable(int seed, string name, int salt)
    {
        // FNV-1a over the seed, the salt and the name's UTF-16 code units.
        uint h = 2166136261;
        void Mix(uint v)
        {
            for (int i = 0; i < 4; i++)
            {
                h ^= (v >> (8 * i)) & 0xFF;
                h *= 16777619;
            }
        }
        Mix((uint)seed);
        Mix((uint)salt);
        foreach (char c in name)
            Mix(c);
        return (int)(h & 0x7FFFFFFF);
    }
}
