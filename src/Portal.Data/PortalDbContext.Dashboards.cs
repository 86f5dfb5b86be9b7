using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data;

/// <summary>Rollups the dashboards read besides the ingestion's minute rollups: hourly prediction and quality sums, and confusion pairs.</summary>
public abstract partial class PortalDbContext
{
    public DbSet<PredictionHourRollup> PredictionHourRollups => Set<PredictionHourRollup>();

    public DbSet<QualityHourRollup> QualityHourRollups => Set<QualityHourRollup>();

    public DbSet<ConfusionRollup> ConfusionRollups => Set<ConfusionRollup>();
}
