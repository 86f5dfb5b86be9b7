using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class ProvisionedObjectConfiguration : IEntityTypeConfiguration<ProvisionedObject>
{
    public void Configure(EntityTypeBuilder<ProvisionedObject> builder)
    {
        builder.ToTable("ProvisionedObjects");
        builder.Property(p => p.Kind).HasMaxLength(ProvisionedObject.KindMaxLength);
        builder.Property(p => p.Name).HasMaxLength(ProvisionedObject.NameMaxLength);
        builder.Property(p => p.EntityKey).HasMaxLength(ProvisionedObject.EntityKeyMaxLength);
        builder.Property(p => p.File).HasMaxLength(ProvisionedObject.FileMaxLength);
        builder.Property(p => p.Hash).HasMaxLength(64);
        builder.Property(p => p.AppliedAt).HasConversion(UtcDateTime.Converter);
        builder.HasIndex(p => new { p.Kind, p.Name }).IsUnique();
        builder.HasIndex(p => new { p.Kind, p.EntityKey });
    }
}
