namespace Portal.Data.Entities.Drift;

/// <summary>
/// An ad-hoc drift report kept under a name for a model, like Evidently's snapshots: the stored result is what is shown
/// later (never recomputed), with what was compared and who saved it.
/// </summary>
public sealed class SavedDriftReport
{
    public const int NameMaxLength = 200;
    public const int DatasetMaxLength = 200;

    public int Id { get; set; }

    public int ModelId { get; set; }

    public required string Name { get; set; }

    /// <summary>What the reference was: a file name, "training data", a time window.</summary>
    public required string Reference { get; set; }

    /// <summary>What the current data was.</summary>
    public required string Current { get; set; }

    /// <summary>The user's e-mail or <c>api-key:&lt;name&gt;</c>: only they (or an Admin) may delete it.</summary>
    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public bool DatasetDrift { get; set; }

    public int Columns { get; set; }

    public int DriftedColumns { get; set; }

    /// <summary>The drift report (Portal.Analysis DriftReport) as JSON.</summary>
    public required string ResultJson { get; set; }
}
