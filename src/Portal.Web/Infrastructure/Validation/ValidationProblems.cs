using Portal.Analysis.Common;

namespace Portal.Web.Infrastructure.Validation;

/// <summary>
/// Collects what is wrong with an input, by JSON path (<c>arms[1].share</c>, <c>reference[row 4].amount</c>), so one
/// answer names every error. Validators add to it and call <see cref="ThrowIfAny"/>; batch ingestion uses one per item
/// and rejects the item instead of the request.
/// </summary>
public sealed class ValidationProblems
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsEmpty => errors.Count == 0;

    /// <summary>How many messages were added (over all paths).</summary>
    public int Count => errors.Values.Sum(m => m.Count);

    public ValidationProblems Add(string path, string message)
    {
        if (!errors.TryGetValue(path, out var messages))
        {
            errors[path] = messages = [];
        }

        messages.Add(message);
        return this;
    }

    public ValidationProblems Add(AnalysisInputException error) => Add(error.Field, error.Reason);

    /// <summary>Runs <paramref name="check"/> and records the <see cref="AnalysisInputException"/> it throws, if any.</summary>
    public ValidationProblems Try(Action check)
    {
        try
        {
            check();
        }
        catch (AnalysisInputException e)
        {
            Add(e);
        }

        return this;
    }

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Every message as <c>path: message</c>, in the order added.</summary>
    public IEnumerable<string> Messages() => errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"));

    /// <summary>Throws an <see cref="InputValidationException"/> (400) carrying every error, if there is any.</summary>
    public void ThrowIfAny(string? title = null, string? detail = null)
    {
        if (!IsEmpty)
        {
            throw new InputValidationException(ToDictionary(), title, detail);
        }
    }
}
