using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Streaming;

namespace Portal.Data;

/// <summary>What the streaming drift detectors raise between scheduled drift runs.</summary>
public abstract partial class PortalDbContext
{
    public DbSet<PossibleDriftEvent> PossibleDriftEvents => Set<PossibleDriftEvent>();
}
