using System.Globalization;

using Portal.Analysis.Common;

namespace Portal.Analysis.Performance;

/// <summary>Label normalisation and ordering shared by the classification metrics.</summary>
internal static class ClassLabels
{
    /// <summary>
    /// Numbers are re-formatted invariantly so that "1", "1.0" and "1e0" are the same label, as they are in a
    /// NumPy array; other strings are kept as they are. A null label is an input error.
    /// </summary>
    public static string[] Normalize(IReadOnlyList<string> labels, string field)
    {
        var normalized = new string[labels.Count];
        for (var i = 0; i < labels.Count; i++)
        {
            var label = labels[i] ?? throw new AnalysisInputException(field, $"{field}[{i}] is missing (null).");
            normalized[i] = TryParseNumber(label, out var number) ? FormatNumber(number) : label;
        }

        return normalized;
    }

    /// <summary>
    /// The sorted union of labels, as scikit-learn's unique_labels: numeric order when every label is a
    /// number, otherwise ordinal string order (NumPy sorts a mixed array as strings).
    /// </summary>
    public static string[] SortedUnion(string[] yTrue, string[] yPred)
    {
        var set = new HashSet<string>(yTrue, StringComparer.Ordinal);
        set.UnionWith(yPred);
        var labels = set.ToArray();
        var allNumeric = true;
        foreach (var label in labels)
        {
            allNumeric &= TryParseNumber(label, out _);
        }

        if (allNumeric)
        {
            Array.Sort(labels, (a, b) => Parse(a).CompareTo(Parse(b)));
        }
        else
        {
            Array.Sort(labels, StringComparer.Ordinal);
        }

        return labels;
    }

    private static bool TryParseNumber(string label, out double number) =>
        double.TryParse(label, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    private static double Parse(string label) => double.Parse(label, NumberStyles.Float, CultureInfo.InvariantCulture);

    // Shortest round-trip form; −0 is 0 as in NumPy comparisons.
    private static string FormatNumber(double number) =>
        number == 0 ? "0" : number.ToString("R", CultureInfo.InvariantCulture);
}
