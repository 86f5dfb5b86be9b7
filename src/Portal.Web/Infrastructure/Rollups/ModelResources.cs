using Portal.Data.Entities;

namespace Portal.Web.Infrastructure.Rollups;

/// <summary>
/// The resource minutes of a model's hosts: hosts whose samples named the model and hosts whose samples named none
/// (shared hosts). The Resources tab and root-cause analysis both read these rows, so what the tab shows is what the
/// analysis finds.
/// </summary>
public static class ModelResources
{
    public static IQueryable<ResourceRollup> Of(IQueryable<ResourceRollup> rollups, int modelId, long fromMs, long toMs) =>
        rollups.Where(r => (r.ModelId == modelId || r.ModelId == 0) && r.MinuteMs >= fromMs && r.MinuteMs <= toMs);
}
