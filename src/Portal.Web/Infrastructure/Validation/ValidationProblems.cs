using Portal.Analysis.Common;

namespace Portal.Web.Infrastructure.Validation;

/// <summary>
/// Collects what is wrong with an input, by JSON path (<c>arms[1].share</c>, <c>reference[row 4].amount</c>), so one
/// answer names every error: the one shape of validation errors. Validators of request bodies add to it and call
/// <see cref="ThrowIfAny"/> (or hand <see cref="ToDictionary"/> to their own <see cref="InputValidationException"/>,
/// as the experiment validator does for the UI); validators of batch items add to one per item and the item is
/// rejected with <see cref="ToLines"/>. <see cref="RequestValues"/> holds the checks typed bodies share.
/// </summary>
public sealed class ValidationProblems
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsEmpty => errors.Count == 0;

    /// <summary>How many paths have errors.</summary>
    public int Count => errors.Count;

    /// <summary>The paths that have errors so far.</summary>
    public IEnumerable<string> Paths => errors.Keys;

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

    /// <summary>Every error as <c>path: message</c>, paths in the order first named (how a rejected ingestion item lists them).</summary>
    public IReadOnlyList<string> ToLines() => [.. errors.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}"))];

    /// <summary>Forgets every error, so one instance serves item after item of a batch.</summary>
    public void Clear() => errors.Clear();

    /// <summary>Every error of <paramref name="errors"/> (e.g. a caught <see cref="InputValidationException"/>), each under <paramref name="rename"/>(path).</summary>
    public ValidationProblems AddAll(IReadOnlyDictionary<string, string[]> errors, Func<string, string>? rename = null)
    {
        foreach (var (path, messages) in errors)
        {
            foreach (var message in messages)
            {
                Add(rename?.Invoke(path) ?? path, message);
            }
        }

        return this;
    }

    public bool Has(string path) => errors.ContainsKey(path);

    /// <summary>The first message for <paramref name="path"/>, or null: a form shows one message under each field.</summary>
    public string? Message(string path) => errors.TryGetValue(path, out var messages) ? messages[0] : null;

    public bool Remove(string path) => errors.Remove(path);

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Throws an <see cref="InputValidationException"/> (400) carrying every error, if there is any.</summary>
    public void ThrowIfAny(string? title = null, string? detail = null)
    {
        if (!IsEmpty)
        {
            throw new InputValidationException(ToDictionary(), title, detail);
        }
    }
}
