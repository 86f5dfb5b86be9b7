using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Experiments;

namespace Portal.Data;

/// <summary>A/B experiments: definitions, observations, lifecycle and analyses.</summary>
public abstract partial class PortalDbContext
{
    public DbSet<Experiment> Experiments => Set<Experiment>();

    public DbSet<ExperimentArm> ExperimentArms => Set<ExperimentArm>();

    public DbSet<ExperimentMetric> ExperimentMetrics => Set<ExperimentMetric>();

    public DbSet<ExperimentObservation> ExperimentObservations => Set<ExperimentObservation>();

    public DbSet<ExperimentLifecycleEvent> ExperimentLifecycleEvents => Set<ExperimentLifecycleEvent>();

    public DbSet<ExperimentAnalysis> ExperimentAnalyses => Set<ExperimentAnalysis>();
}
