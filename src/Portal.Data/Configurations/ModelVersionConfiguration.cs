using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> builder)
    {
        builder.ToTable("ModelVersions");
        builder.HasIndex(v => new { v.ModelId, v.Version }).IsUnique();
        builder.Property(v => v.Version).HasMaxLength(ModelVersion.VersionMaxLength);
        builder.Property(v => v.Description).HasMaxLength(2000);
    }
}
