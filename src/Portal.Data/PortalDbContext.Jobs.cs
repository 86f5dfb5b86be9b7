using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Jobs;

namespace Portal.Data;

/// <summary>What the scheduled jobs write and the dashboards read: runs, drift results, SLOs and their status.</summary>
public abstract partial class PortalDbContext
{
    public DbSet<JobRun> JobRuns => Set<JobRun>();

    public DbSet<DriftRun> DriftRuns => Set<DriftRun>();

    public DbSet<DriftFeatureResult> DriftFeatureResults => Set<DriftFeatureResult>();

    public DbSet<SloDefinition> SloDefinitions => Set<SloDefinition>();

    public DbSet<SloStatus> SloStatuses => Set<SloStatus>();

    public DbSet<SloSliRecord> SloSliRecords => Set<SloSliRecord>();
}
