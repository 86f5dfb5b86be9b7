using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;
using Portal.Data.Entities.Jobs;

namespace Portal.Data.Configurations;

public sealed class DriftSettingsConfiguration : IEntityTypeConfiguration<DriftSettings>
{
    public void Configure(EntityTypeBuilder<DriftSettings> builder)
    {
        builder.ToTable("DriftSettings");
        builder.HasKey(s => s.ModelId);
        builder.Property(s => s.Cron).HasMaxLength(DriftSettings.CronMaxLength);
        builder.Property(s => s.Window).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.FixedStart).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(s => s.FixedEnd).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(s => s.UpdatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasOne<MlModel>().WithOne().HasForeignKey<DriftSettings>(s => s.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}
