using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class ModelFeatureConfiguration : IEntityTypeConfiguration<ModelFeature>
{
    public void Configure(EntityTypeBuilder<ModelFeature> builder)
    {
        builder.ToTable("ModelFeatures");
        builder.HasIndex(f => new { f.ModelId, f.Name }).IsUnique();
        builder.Property(f => f.Name).HasMaxLength(ModelFeature.NameMaxLength);
        builder.Property(f => f.Type).HasConversion<string>().HasMaxLength(16);
    }
}
