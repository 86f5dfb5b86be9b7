using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;

namespace Portal.Data.Configurations;

public sealed class ReferenceChunkConfiguration : IEntityTypeConfiguration<ReferenceChunk>
{
    public void Configure(EntityTypeBuilder<ReferenceChunk> builder)
    {
        builder.ToTable("ReferenceChunks");
        builder.HasIndex(c => new { c.ColumnId, c.ChunkIndex }).IsUnique();
        builder.HasOne<ReferenceColumn>().WithMany().HasForeignKey(c => c.ColumnId).OnDelete(DeleteBehavior.Cascade);
    }
}
