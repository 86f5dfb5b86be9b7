using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class MlModelConfiguration : IEntityTypeConfiguration<MlModel>
{
    public void Configure(EntityTypeBuilder<MlModel> builder)
    {
        builder.ToTable("Models");
        builder.HasIndex(m => m.Name).IsUnique();
        builder.Property(m => m.Name).HasMaxLength(MlModel.NameMaxLength);
        builder.Property(m => m.TaskType).HasConversion<string>().HasMaxLength(16);
        builder.Property(m => m.Description).HasMaxLength(2000);
        builder.Property(m => m.Owner).HasMaxLength(200);
        builder.HasMany(m => m.Versions).WithOne().HasForeignKey(v => v.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(m => m.Features).WithOne().HasForeignKey(f => f.ModelId).OnDelete(DeleteBehavior.Cascade);
    }
}
