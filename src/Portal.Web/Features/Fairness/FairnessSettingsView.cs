using System.Text.Json;
using Portal.Analysis.Common;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;
using Portal.Web.Features.Analysis;

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
    /// <exception cref="AnalysisInputException">A field is invalid (named: attributes, attributes[i], minGroupSize, threshold).</exception>
    public FairnessSettingsView Validate(MlModel model)
    {
        if (Attributes.Count > FairnessSettings.MaxAttributes)
        {
            throw new AnalysisInputException("attributes", $"at most {FairnessSettings.MaxAttributes} sensitive attributes.");
        }

        var names = new List<string>();
        for (var i = 0; i < Attributes.Count; i++)
        {
            var name = Attributes[i]?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                throw new AnalysisInputException($"attributes[{i}]", "is empty: give a feature name.");
            }

            if (name.Length > FairnessGroupResult.AttributeMaxLength)
            {
                throw new AnalysisInputException($"attributes[{i}]", $"is longer than {FairnessGroupResult.AttributeMaxLength} characters.");
            }

            if (model.Features.Count > 0 && model.Features.All(f => f.Name != name))
            {
                throw new AnalysisInputException($"attributes[{i}]", $"model '{model.Name}' has no feature '{name}'.");
            }

            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        if (MinGroupSize < 1 || MinGroupSize > MaxMinGroupSize)
        {
            throw new AnalysisInputException("minGroupSize", $"must be a whole number from 1 to {MaxMinGroupSize:N0}.");
        }

        if (!double.IsFinite(Threshold) || Threshold <= 0 || Threshold > 1)
        {
            throw new AnalysisInputException("threshold", "must be a ratio above 0 and at most 1 (0.8 is the four-fifths rule).");
        }

        return this with { Attributes = names };
    }

    /// <summary>Reads <c>{"attributes": ["gender"], "minGroupSize": 30, "threshold": 0.8}</c>; omitted numbers keep their defaults.</summary>
    public static FairnessSettingsView Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new AnalysisInputException("$", "The body must be a JSON object.");
        }

        var attributes = JsonInput.Strings(JsonInput.RequireArray(body, "attributes", allowEmpty: true), "attributes");
        var minGroupSize = body.TryGetProperty("minGroupSize", out _) ? JsonInput.WholeNumber(body, "minGroupSize") : Defaults.MinGroupSize;
        if (minGroupSize is < 1 or > MaxMinGroupSize)
        {
            throw new AnalysisInputException("minGroupSize", $"must be a whole number from 1 to {MaxMinGroupSize:N0}.");
        }

        var threshold = JsonInput.Number(body, "threshold", Defaults.Threshold);
        return new FairnessSettingsView(attributes.Select(a => a!).ToList(), (int)minGroupSize, threshold);
    }
}
