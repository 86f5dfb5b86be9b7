using System.Text.Json.Serialization;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Features.Fairness;

/// <summary>A model's fairness settings as the form and the REST API see them (JSON: attributes, minGroupSize, threshold).</summary>
public sealed record FairnessSettingsView(IReadOnlyList<string> Attributes, int MinGroupSize, double Threshold)
{
    public const int MaxMinGroupSize = 1_000_000;

    public static FairnessSettingsView Defaults { get; } = new([], FairnessSettings.DefaultMinGroupSize, FairnessSettings.DefaultThreshold);

    public static FairnessSettingsView From(FairnessSettings? entity) =>
        entity is null ? Defaults : new([.. entity.Attributes], entity.MinGroupSize, entity.Threshold);

    public void ApplyTo(FairnessSettings entity)
    {
        entity.Attributes = [.. Attributes];
        entity.MinGroupSize = MinGroupSize;
        entity.Threshold = Threshold;
    }

    /// <summary>
    /// Checks every field against the model; returns the settings with attribute names trimmed and de-duplicated.
    /// </summary>
    /// <exception cref="InputValidationException">Fields are invalid (every one named: attributes, attributes[i], minGroupSize, threshold).</exception>
    public FairnessSettingsView Validate(MlModel model)
    {
        var problems = new ValidationProblems();
        if (Attributes.Count > FairnessSettings.MaxAttributes)
        {
            problems.Add("attributes", $"at most {FairnessSettings.MaxAttributes} sensitive attributes.");
        }

        var names = new List<string>();
        for (var i = 0; i < Attributes.Count; i++)
        {
            var name = Attributes[i]?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                problems.Add($"attributes[{i}]", "is empty: give a feature name.");
            }
            else if (name.Length > FairnessGroupResult.AttributeMaxLength)
            {
                problems.Add($"attributes[{i}]", $"is longer than {FairnessGroupResult.AttributeMaxLength} characters.");
            }
            else if (model.Features.Count > 0 && model.Features.All(f => f.Name != name))
            {
                problems.Add($"attributes[{i}]", $"model '{model.Name}' has no feature '{name}'.");
            }
            else if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        if (MinGroupSize < 1 || MinGroupSize > MaxMinGroupSize)
        {
            problems.Add("minGroupSize", $"must be a whole number from 1 to {MaxMinGroupSize:N0}.");
        }

        if (!double.IsFinite(Threshold) || Threshold <= 0 || Threshold > 1)
        {
            problems.Add("threshold", "must be a ratio above 0 and at most 1 (0.8 is the four-fifths rule).");
        }

        problems.ThrowIfAny();
        return this with { Attributes = names };
    }
}

/// <summary>
/// The body of <c>PUT /api/v1/models/{model}/fairness/settings</c>: <c>{"attributes": ["gender"], "minGroupSize": 30,
/// "threshold": 0.8}</c>; attributes are required (a number is taken as its text), omitted numbers keep their defaults.
/// </summary>
[JsonNumberHandling(JsonNumberHandling.Strict)]
public sealed record FairnessSettingsRequest(JsonScalar[]? Attributes, long? MinGroupSize, double? Threshold)
{
    /// <summary>The settings, or a 400 naming every field that is not even a value (ranges are <see cref="FairnessSettingsView.Validate"/>'s).</summary>
    public FairnessSettingsView ToView()
    {
        var problems = new ValidationProblems();
        var attributes = problems.RequiredArray(Attributes, "attributes", allowEmpty: true) is { } listed ? problems.Strings(listed, "attributes") : [];
        var minGroupSize = problems.WholeNumber(MinGroupSize, "minGroupSize", FairnessSettingsView.Defaults.MinGroupSize);
        var threshold = problems.Number(Threshold, "threshold", FairnessSettingsView.Defaults.Threshold);
        problems.ThrowIfAny();
        return new FairnessSettingsView([.. attributes.Select(a => a!)], (int)Math.Clamp(minGroupSize, int.MinValue, int.MaxValue), threshold);
    }
}
