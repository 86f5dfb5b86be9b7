using System.Text;

namespace Portal.Benchmarks;

/// <summary>
/// JSON request bodies made from a few templates: each <see cref="Patch"/> writes a fixed-width number into a copy at
/// every <see cref="Placeholder"/>, so every predictionId is new (no duplicates) at almost no client CPU.
/// </summary>
internal sealed class IdTemplates
{
    public const string Placeholder = "#########";

    private static readonly byte[] PlaceholderBytes = Encoding.ASCII.GetBytes(Placeholder);
    private readonly List<(byte[] Body, int[] Offsets)> templates = [];

    public int Count => templates.Count;

    public void Add(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var offsets = new List<int>();
        for (var at = 0; at < bytes.Length && bytes.AsSpan(at).IndexOf(PlaceholderBytes) is var i && i >= 0; at += i + Placeholder.Length)
        {
            offsets.Add(at + i);
        }

        templates.Add((bytes, offsets.ToArray()));
    }

    /// <summary>A copy of template <paramref name="template"/> with <paramref name="number"/> (9 digits) in every placeholder.</summary>
    public byte[] Patch(int template, long number)
    {
        var (source, offsets) = templates[template];
        var body = (byte[])source.Clone();
        Span<byte> digits = stackalloc byte[Placeholder.Length];
        var value = number;
        for (var d = digits.Length - 1; d >= 0; d--, value /= 10)
        {
            digits[d] = (byte)('0' + (value % 10));
        }

        foreach (var offset in offsets)
        {
            digits.CopyTo(body.AsSpan(offset));
        }

        return body;
    }
}
