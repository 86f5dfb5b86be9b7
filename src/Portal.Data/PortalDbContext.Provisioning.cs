using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data;

/// <summary>Which objects provisioning files own (issue 17).</summary>
public abstract partial class PortalDbContext
{
    public DbSet<ProvisionedObject> ProvisionedObjects => Set<ProvisionedObject>();
}
