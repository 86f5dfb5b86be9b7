using System.Text.Json;

namespace Portal.Web.Features.Ingestion.Reference;

/// <summary>
/// Reads JSON tokens from a stream through a small rolling buffer, so a large body is parsed as it arrives
/// instead of being held whole. Malformed JSON throws <see cref="JsonException"/>.
/// </summary>
public sealed class JsonTokenStream(Stream stream)
{
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;
    private bool final;
    private JsonReaderState state = new(new JsonReaderOptions { MaxDepth = 16 });

    public JsonTokenType TokenType { get; private set; }

    /// <summary>The current string or property name.</summary>
    public string? String { get; private set; }

    /// <summary>Why the current string breaks the <see cref="Infrastructure.JsonText"/> rule (invalid UTF-8, NUL), or null.</summary>
    public string? TextProblem { get; private set; }

    /// <summary>The current number, or null when it does not fit a finite double.</summary>
    public double? Number { get; private set; }

    /// <summary>The current number as written (for messages and for categories).</summary>
    public string? RawNumber { get; private set; }

    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryRead())
            {
                return true;
            }

            if (final)
            {
                if (start < end)
                {
                    throw new JsonException("The JSON body ends in the middle of a value.");
                }

                return false;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
            end += read;
            final = read == 0;
        }
    }

    public async ValueTask ExpectAsync(JsonTokenType type, string what, CancellationToken cancellationToken)
    {
        if (!await ReadAsync(cancellationToken) || TokenType != type)
        {
            throw new JsonException($"Expected {what}.");
        }
    }

    private bool TryRead()
    {
        var reader = new Utf8JsonReader(buffer.AsSpan(start, end - start), final, state);
        if (!reader.Read())
        {
            return false;
        }

        TokenType = reader.TokenType;
        String = null;
        TextProblem = null;
        Number = null;
        RawNumber = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String or JsonTokenType.PropertyName:
                try
                {
                    String = reader.GetString();
                    TextProblem = Infrastructure.JsonText.Check(String!);
                }
                catch (InvalidOperationException)
                {
                    TextProblem = Infrastructure.JsonText.InvalidUtf8;
                }

                break;
            case JsonTokenType.Number:
                RawNumber = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                Number = reader.TryGetDouble(out var n) && double.IsFinite(n) ? n : null;
                break;
        }

        start += (int)reader.BytesConsumed;
        state = reader.CurrentState;
        return true;
    }
}
