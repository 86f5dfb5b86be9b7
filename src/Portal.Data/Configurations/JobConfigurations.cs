using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;

namespace Portal.Data.Configurations;

public sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.ToTable("JobRuns");
        builder.Property(r => r.JobType).HasMaxLength(JobRun.JobTypeMaxLength);
        builder.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Node).HasMaxLength(JobRun.NodeMaxLength);
        builder.Property(r => r.StartedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(r => r.FinishedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(r => r.WindowStart).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(r => r.WindowEnd).HasConversion(UtcDateTime.NullableConverter);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.StartedAt);
        builder.HasIndex(r => new { r.ModelId, r.JobType, r.StartedAt });
    }
}

public sealed class DriftRunConfiguration : IEntityTypeConfiguration<DriftRun>
{
    public void Configure(EntityTypeBuilder<DriftRun> builder)
    {
        builder.ToTable("DriftRuns");
        builder.Property(r => r.Severity).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.ModelVersion).HasMaxLength(ModelVersion.VersionMaxLength);
        builder.Property(r => r.Baseline).HasMaxLength(200);
        builder.Property(r => r.At).HasConversion(UtcDateTime.Converter);
        builder.Property(r => r.WindowStart).HasConversion(UtcDateTime.Converter);
        builder.Property(r => r.WindowEnd).HasConversion(UtcDateTime.Converter);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(r => r.JobRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.FeatureResults).WithOne().HasForeignKey(f => f.DriftRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ModelId, r.At });
    }
}

public sealed class DriftFeatureResultConfiguration : IEntityTypeConfiguration<DriftFeatureResult>
{
    public void Configure(EntityTypeBuilder<DriftFeatureResult> builder)
    {
        builder.ToTable("DriftFeatureResults");
        builder.Property(f => f.Severity).HasConversion<string>().HasMaxLength(20);
        builder.Property(f => f.Feature).HasMaxLength(ModelFeature.NameMaxLength);
        builder.Property(f => f.Test).HasMaxLength(40);
        builder.Property(f => f.At).HasConversion(UtcDateTime.Converter);
        builder.HasIndex(f => new { f.ModelId, f.Feature, f.At });
    }
}

public sealed class SloDefinitionConfiguration : IEntityTypeConfiguration<SloDefinition>
{
    public void Configure(EntityTypeBuilder<SloDefinition> builder)
    {
        builder.ToTable("SloDefinitions");
        builder.Property(s => s.Name).HasMaxLength(SloDefinition.NameMaxLength);
        builder.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(s => s.UpdatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(s => s.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.ModelId, s.Name }).IsUnique();
        builder.Property(s => s.PageSeverity).HasMaxLength(20);
        builder.Property(s => s.TicketSeverity).HasMaxLength(20);
    }
}

public sealed class SloSliRecordConfiguration : IEntityTypeConfiguration<SloSliRecord>
{
    public void Configure(EntityTypeBuilder<SloSliRecord> builder)
    {
        builder.ToTable("SloSliRecords");
        builder.HasKey(r => new { r.SloId, r.Window, r.MinuteMs });
        builder.Property(r => r.Window).HasMaxLength(8);
        builder.HasIndex(r => r.MinuteMs); // retention deletes by age
        builder.HasOne<SloDefinition>().WithMany().HasForeignKey(r => r.SloId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SloStatusConfiguration : IEntityTypeConfiguration<SloStatus>
{
    public void Configure(EntityTypeBuilder<SloStatus> builder)
    {
        builder.ToTable("SloStatuses");
        builder.HasKey(s => s.SloId);
        builder.Property(s => s.Status).HasMaxLength(20);
        builder.Property(s => s.EvaluatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasOne<SloDefinition>().WithOne().HasForeignKey<SloStatus>(s => s.SloId).OnDelete(DeleteBehavior.Cascade);
    }
}
