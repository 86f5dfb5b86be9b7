using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Drift;

namespace Portal.Data;

/// <summary>Ad-hoc drift reports saved under a name.</summary>
public abstract partial class PortalDbContext
{
    public DbSet<SavedDriftReport> SavedDriftReports => Set<SavedDriftReport>();
}
