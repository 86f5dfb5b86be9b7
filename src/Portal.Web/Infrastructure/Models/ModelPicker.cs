using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Infrastructure.Models;

/// <summary>
/// The model reads that forms and settings pages of several features share: the names for a picker and one model with
/// its features. Shared here so that no feature depends on the Models feature for them.
/// </summary>
public sealed class ModelPicker(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>The model with its features, untracked (what the settings pages validate against); null when there is none.</summary>
    public async Task<MlModel?> ModelAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await ModelLookup.WithFeaturesAsync(db, name, cancellationToken);
    }

    /// <summary>Every model's name, in order (the model pickers of forms and filters).</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Models.AsNoTracking().OrderBy(m => m.Name).Select(m => m.Name).ToListAsync(cancellationToken);
    }
}
