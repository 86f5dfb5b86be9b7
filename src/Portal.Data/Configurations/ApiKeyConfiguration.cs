using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Identity;

namespace Portal.Data.Configurations;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("ApiKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Name).HasMaxLength(100).IsRequired();
        builder.Property(k => k.Prefix).HasMaxLength(ApiKey.PrefixLength).IsRequired();
        builder.HasIndex(k => k.Prefix).IsUnique();
        builder.Property(k => k.Hash).HasMaxLength(32).IsRequired();
        builder.Property(k => k.Scope).HasMaxLength(200).IsRequired();
        builder.Property(k => k.ScopeKind).HasConversion<string>().HasMaxLength(16);
        builder.Property(k => k.CreatedBy).HasMaxLength(256).IsRequired();
        builder.Property(k => k.RevokedBy).HasMaxLength(256);
        builder.Property(k => k.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(k => k.LastUsedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(k => k.RevokedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Ignore(k => k.IsRevoked);
    }
}
