using System.Globalization;
using Portal.Data.Rollups;

namespace Portal.Web.Infrastructure.Rollups;

/// <summary>
/// Adds a rollup's latency histogram JSON (<see cref="LogHistogram"/>'s format, <c>{"z":n,"p":{"i":c,…},"n":{…}}</c>)
/// straight into a running histogram, without building a dictionary per row: a 24-hour window merges thousands of
/// minute rows, and this is most of its cost. Anything unexpected falls back to <see cref="LogHistogram.FromJson"/>.
/// </summary>
public static class LatencyBucketsReader
{
    public static void MergeInto(LogHistogram target, string? json)
    {
        if (string.IsNullOrEmpty(json) || json == "{}")
        {
            return;
        }

        if (!TryMerge(target, json.AsSpan()))
        {
            target.Merge(LogHistogram.FromJson(json));
        }
    }

    private static bool TryMerge(LogHistogram target, ReadOnlySpan<char> json)
    {
        // Parse into a list first so a malformed row never half-merges.
        var entries = new List<(int Sign, int Index, long Count)>(64);
        long zeros = 0;
        var i = 0;
        if (!Expect(json, ref i, '{'))
        {
            return false;
        }

        while (true)
        {
            Skip(json, ref i);
            if (i < json.Length && json[i] == '}')
            {
                break;
            }

            if (!ReadKey(json, ref i, out var name) || !Expect(json, ref i, ':'))
            {
                return false;
            }

            Skip(json, ref i);
            if (name is "z")
            {
                if (!ReadLong(json, ref i, out zeros))
                {
                    return false;
                }
            }
            else if (name is "p" or "n")
            {
                var sign = name == "p" ? 1 : -1;
                if (!Expect(json, ref i, '{'))
                {
                    return false;
                }

                while (true)
                {
                    Skip(json, ref i);
                    if (i < json.Length && json[i] == '}')
                    {
                        i++;
                        break;
                    }

                    if (!ReadKeySpan(json, ref i, out var key) || !int.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index)
                        || !Expect(json, ref i, ':') || !ReadLong(json, ref i, out var count))
                    {
                        return false;
                    }

                    entries.Add((sign, index, count));
                    Skip(json, ref i);
                    if (i < json.Length && json[i] == ',')
                    {
                        i++;
                    }
                }
            }
            else
            {
                return false;
            }

            Skip(json, ref i);
            if (i < json.Length && json[i] == ',')
            {
                i++;
            }
        }

        target.Zeros += zeros;
        foreach (var (sign, index, count) in entries)
        {
            var buckets = sign > 0 ? target.Positive : target.Negative;
            buckets[index] = buckets.GetValueOrDefault(index) + count;
        }

        return true;
    }

    private static void Skip(ReadOnlySpan<char> json, ref int i)
    {
        while (i < json.Length && char.IsWhiteSpace(json[i]))
        {
            i++;
        }
    }

    private static bool Expect(ReadOnlySpan<char> json, ref int i, char c)
    {
        Skip(json, ref i);
        if (i >= json.Length || json[i] != c)
        {
            return false;
        }

        i++;
        return true;
    }

    private static bool ReadKey(ReadOnlySpan<char> json, ref int i, out string key)
    {
        var found = ReadKeySpan(json, ref i, out var span);
        key = found ? span.ToString() : "";
        return found;
    }

    private static bool ReadKeySpan(ReadOnlySpan<char> json, ref int i, out ReadOnlySpan<char> key)
    {
        key = default;
        if (!Expect(json, ref i, '"'))
        {
            return false;
        }

        var end = json[i..].IndexOf('"');
        if (end < 0)
        {
            return false;
        }

        key = json.Slice(i, end);
        i += end + 1;
        return true;
    }

    private static bool ReadLong(ReadOnlySpan<char> json, ref int i, out long value)
    {
        Skip(json, ref i);
        var start = i;
        while (i < json.Length && (char.IsAsciiDigit(json[i]) || json[i] == '-'))
        {
            i++;
        }

        return long.TryParse(json[start..i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
