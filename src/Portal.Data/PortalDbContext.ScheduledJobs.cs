using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Jobs;

namespace Portal.Data;

/// <summary>Settings and results of the drift and quality jobs (issue 6).</summary>
public abstract partial class PortalDbContext
{
    public DbSet<DriftSettings> DriftSettings => Set<DriftSettings>();

    public DbSet<QualityResult> QualityResults => Set<QualityResult>();
}
