using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class ReferenceColumnConfiguration : IEntityTypeConfiguration<ReferenceColumn>
{
    public void Configure(EntityTypeBuilder<ReferenceColumn> builder)
    {
        builder.ToTable("ReferenceColumns");
        builder.HasIndex(c => new { c.DatasetId, c.Name }).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(ModelFeature.NameMaxLength);
        builder.Property(c => c.Type).HasConversion<string>().HasMaxLength(16);
    }
}
