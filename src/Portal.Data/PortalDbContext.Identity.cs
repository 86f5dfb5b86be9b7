using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Data.Identity;

namespace Portal.Data;

public abstract partial class PortalDbContext
{
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
}
