// LzmaNative: the few liblzma entry points LzmaBase64 needs, as source-generated (AOT-safe)
// P/Invokes against the system's liblzma.so.5 (the library Python's lzma module links too).
using System.Reflection;
using System.Runtime.InteropServices;

namespace MlObs.Cos.Compression;

/// <summary>liblzma's <c>lzma_ret</c> values.</summary>
internal enum LzmaRet
{
    Ok = 0,
    StreamEnd = 1,
    NoCheck = 2,
    UnsupportedCheck = 3,
    GetCheck = 4,
    MemError = 5,
    MemlimitError = 6,
    FormatError = 7,
    OptionsError = 8,
    DataError = 9,
    BufError = 10,
    ProgError = 11,
}

/// <summary>
/// liblzma through <see cref="LibraryImportAttribute"/>. The library name is resolved once by
/// <see cref="EnsureLoaded"/> (soname first, then the development symlink), so a missing library is a
/// clear <see cref="LzmaUnavailableException"/> instead of a <see cref="DllNotFoundException"/> from deep inside a call.
/// </summary>
internal static unsafe partial class LzmaNative
{
    internal const string Library = "liblzma.so.5";

    // lzma_check: NONE 0, CRC32 1, CRC64 4, SHA256 10 (lzma/check.h). Python writes CRC64.
    internal const uint LzmaCheckCrc64 = 4;
    internal const int LzmaRun = 0;
    internal const int LzmaFinish = 3;

    private static readonly string[] Candidates = [Library, "liblzma.so"];
    private static readonly Lock Gate = new();
    private static nint _handle;
    private static bool _resolverSet;

    /// <summary>lzma_stream (liblzma 5.x ABI); LZMA_STREAM_INIT is all zeros.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct LzmaStream
    {
        public byte* NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public byte* NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public nint Allocator;
        public nint Internal;
        public nint ReservedPtr1;
        public nint ReservedPtr2;
        public nint ReservedPtr3;
        public nint ReservedPtr4;
        public ulong SeekPos;
        public ulong ReservedInt2;
        public nuint ReservedInt3;
        public nuint ReservedInt4;
        public int ReservedEnum1;
        public int ReservedEnum2;
    }

    /// <summary>Loads liblzma once, or throws <see cref="LzmaUnavailableException"/>.</summary>
    internal static void EnsureLoaded()
    {
        if (_handle != 0)
        {
            return;
        }

        lock (Gate)
        {
            if (_handle != 0)
            {
                return;
            }

            foreach (var name in Candidates)
            {
                if (NativeLibrary.TryLoad(name, typeof(LzmaNative).Assembly, null, out var handle))
                {
                    _handle = handle;
                    break;
                }
            }

            if (_handle == 0)
            {
                throw new LzmaUnavailableException(
                    "liblzma.so.5 (the xz library) could not be loaded; grafana_dashboard content is xz-compressed. "
                    + "Install it in the charm's base (Ubuntu: package liblzma5, present in every standard image).");
            }

            if (!_resolverSet)
            {
                _resolverSet = true;
                try
                {
                    NativeLibrary.SetDllImportResolver(typeof(LzmaNative).Assembly, Resolve);
                }
                catch (InvalidOperationException)
                {
                    // Another resolver owns this assembly; the default probing finds liblzma.so.5 too.
                }
            }
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == Library ? _handle : 0;

    [LibraryImport(Library, EntryPoint = "lzma_easy_encoder")]
    internal static partial LzmaRet EasyEncoder(LzmaStream* stream, uint preset, uint check);

    [LibraryImport(Library, EntryPoint = "lzma_stream_buffer_bound")]
    internal static partial nuint StreamBufferBound(nuint uncompressedSize);

    [LibraryImport(Library, EntryPoint = "lzma_auto_decoder")]
    internal static partial LzmaRet AutoDecoder(LzmaStream* stream, ulong memlimit, uint flags);

    [LibraryImport(Library, EntryPoint = "lzma_code")]
    internal static partial LzmaRet Code(LzmaStream* stream, int action);

    [LibraryImport(Library, EntryPoint = "lzma_end")]
    internal static partial void End(LzmaStream* stream);
}
