using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Analysis.Experiments;
using Portal.Data.Entities;
using Portal.Data.Entities.Experiments;

namespace Portal.Data.Configurations;

public sealed class ExperimentConfiguration : IEntityTypeConfiguration<Experiment>
{
    public void Configure(EntityTypeBuilder<Experiment> builder)
    {
        builder.ToTable("Experiments");
        builder.Property(e => e.Id).HasMaxLength(Experiment.IdMaxLength);
        builder.Property(e => e.Name).HasMaxLength(Experiment.NameMaxLength);
        builder.Property(e => e.Hypothesis).HasMaxLength(Experiment.HypothesisMaxLength);
        builder.Property(e => e.UnitType).HasMaxLength(Experiment.UnitTypeMaxLength);
        builder.Property(e => e.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.AnalysisMode).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Correction).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.CreatedBy).HasMaxLength(256);
        builder.Property(e => e.Conclusion).HasMaxLength(Experiment.HypothesisMaxLength);
        builder.Property(e => e.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(e => e.UpdatedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(e => e.StartedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(e => e.StoppedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(e => e.ConcludedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.HasOne(e => e.Model).WithMany().HasForeignKey(e => e.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Arms).WithOne().HasForeignKey(a => a.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(e => e.Metrics).WithOne().HasForeignKey(m => m.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.ModelId, e.State });
    }
}

public sealed class ExperimentArmConfiguration : IEntityTypeConfiguration<ExperimentArm>
{
    public void Configure(EntityTypeBuilder<ExperimentArm> builder)
    {
        builder.ToTable("ExperimentArms");
        builder.Property(a => a.Name).HasMaxLength(ExperimentArm.NameMaxLength);
        builder.Property(a => a.ModelVersion).HasMaxLength(ModelVersion.VersionMaxLength);
        builder.HasIndex(a => new { a.ExperimentId, a.Name }).IsUnique();
    }
}

public sealed class ExperimentMetricConfiguration : IEntityTypeConfiguration<ExperimentMetric>
{
    public void Configure(EntityTypeBuilder<ExperimentMetric> builder)
    {
        builder.ToTable("ExperimentMetrics");
        builder.Property(m => m.Name).HasMaxLength(ExperimentMetric.NameMaxLength);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(m => new { m.ExperimentId, m.Name }).IsUnique();
    }
}

public sealed class ExperimentObservationConfiguration : IEntityTypeConfiguration<ExperimentObservation>
{
    public void Configure(EntityTypeBuilder<ExperimentObservation> builder)
    {
        builder.ToTable("ExperimentObservations");
        builder.Property(o => o.Metric).HasMaxLength(ExperimentMetric.NameMaxLength);
        builder.Property(o => o.UnitId).HasMaxLength(ExperimentObservation.UnitIdMaxLength);
        builder.Property(o => o.Variant).HasMaxLength(ExperimentArm.NameMaxLength);
        builder.Property(o => o.At).HasConversion(UtcDateTime.Converter);
        builder.Property(o => o.ReceivedAt).HasConversion(UtcDateTime.Converter);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(o => o.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(o => new { o.ExperimentId, o.Metric, o.UnitId }).IsUnique();
    }
}

public sealed class ExperimentLifecycleEventConfiguration : IEntityTypeConfiguration<ExperimentLifecycleEvent>
{
    public void Configure(EntityTypeBuilder<ExperimentLifecycleEvent> builder)
    {
        builder.ToTable("ExperimentLifecycleEvents");
        builder.Property(e => e.From).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.To).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.By).HasMaxLength(256);
        builder.Property(e => e.Note).HasMaxLength(Experiment.HypothesisMaxLength);
        builder.Property(e => e.At).HasConversion(UtcDateTime.Converter);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(e => e.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(e => new { e.ExperimentId, e.At });
    }
}

public sealed class ExperimentAnalysisConfiguration : IEntityTypeConfiguration<ExperimentAnalysis>
{
    public void Configure(EntityTypeBuilder<ExperimentAnalysis> builder)
    {
        builder.ToTable("ExperimentAnalyses");
        builder.Property(a => a.Verdict).HasConversion(v => VerdictNames.Name(v), s => VerdictNames.Parse(s)).HasMaxLength(ExperimentAnalysis.VerdictMaxLength);
        builder.Property(a => a.DataDigest).HasMaxLength(64);
        builder.Property(a => a.At).HasConversion(UtcDateTime.Converter);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(a => a.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Portal.Data.Entities.Jobs.JobRun>().WithMany().HasForeignKey(a => a.JobRunId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(a => new { a.ExperimentId, a.At });
    }
}
