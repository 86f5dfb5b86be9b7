using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Jobs;

namespace Portal.Data;

/// <summary>Fairness settings and results (issue 10).</summary>
public abstract partial class PortalDbContext
{
    public DbSet<FairnessSettings> FairnessSettings => Set<FairnessSettings>();

    public DbSet<FairnessGroupResult> FairnessGroupResults => Set<FairnessGroupResult>();

    public DbSet<FairnessDisparityResult> FairnessDisparityResults => Set<FairnessDisparityResult>();
}
