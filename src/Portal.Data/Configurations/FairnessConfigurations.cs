using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;

namespace Portal.Data.Configurations;

public sealed class FairnessSettingsConfiguration : IEntityTypeConfiguration<FairnessSettings>
{
    public void Configure(EntityTypeBuilder<FairnessSettings> builder)
    {
        builder.ToTable("FairnessSettings");
        builder.HasKey(s => s.ModelId);
        builder.PrimitiveCollection(s => s.Attributes);
        builder.Property(s => s.UpdatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasOne<MlModel>().WithOne().HasForeignKey<FairnessSettings>(s => s.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class FairnessGroupResultConfiguration : IEntityTypeConfiguration<FairnessGroupResult>
{
    public void Configure(EntityTypeBuilder<FairnessGroupResult> builder)
    {
        builder.ToTable("FairnessGroupResults");
        builder.Property(r => r.Window).HasConversion(w => JobWindows.Name(w), s => JobWindows.Parse(s)).HasMaxLength(FairnessGroupResult.WindowMaxLength);
        builder.Property(r => r.Attribute).HasMaxLength(FairnessGroupResult.AttributeMaxLength);
        builder.Property(r => r.Group).HasMaxLength(FairnessGroupResult.GroupMaxLength);
        builder.Property(r => r.At).HasConversion(UtcDateTime.Converter);
        builder.Property(r => r.WindowStart).HasConversion(UtcDateTime.Converter);
        builder.Property(r => r.WindowEnd).HasConversion(UtcDateTime.Converter);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(r => r.JobRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ModelId, r.Window, r.Attribute, r.At });
        builder.HasIndex(r => r.JobRunId);
    }
}

public sealed class FairnessDisparityResultConfiguration : IEntityTypeConfiguration<FairnessDisparityResult>
{
    public void Configure(EntityTypeBuilder<FairnessDisparityResult> builder)
    {
        builder.ToTable("FairnessDisparityResults");
        builder.Property(r => r.Window).HasConversion(w => JobWindows.Name(w), s => JobWindows.Parse(s)).HasMaxLength(FairnessGroupResult.WindowMaxLength);
        builder.Property(r => r.Attribute).HasMaxLength(FairnessGroupResult.AttributeMaxLength);
        builder.Property(r => r.Metric).HasMaxLength(FairnessGroupResult.MetricMaxLength);
        builder.Property(r => r.LowestGroup).HasMaxLength(FairnessGroupResult.GroupMaxLength);
        builder.Property(r => r.HighestGroup).HasMaxLength(FairnessGroupResult.GroupMaxLength);
        builder.Property(r => r.At).HasConversion(UtcDateTime.Converter);
        builder.HasOne<JobRun>().WithMany().HasForeignKey(r => r.JobRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ModelId, r.Window, r.Attribute, r.At });
        builder.HasIndex(r => r.JobRunId);
    }
}
