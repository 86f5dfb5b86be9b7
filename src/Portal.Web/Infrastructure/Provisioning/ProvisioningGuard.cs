using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Web.Infrastructure.Validation;

namespace Portal.Web.Infrastructure.Provisioning;

/// <summary>The document kinds of a provisioning file; also the kinds <see cref="ProvisioningGuard"/> protects.</summary>
public static class ProvisionedKinds
{
    public const string AlertRule = "AlertRule";
    public const string Channel = "Channel";
    public const string Silence = "Silence";
    public const string Runbook = "Runbook";
    public const string Slo = "Slo";
    public const string DriftSettings = "DriftSettings";
    public const string Model = "Model";

    /// <summary>In the order a file is applied: what others refer to comes first.</summary>
    public static readonly IReadOnlyList<string> All = [Model, Runbook, Channel, DriftSettings, Slo, AlertRule, Silence];
}

/// <summary>A write to an object that a provisioning file owns: 409 naming the file.</summary>
public sealed class ProvisionedObjectException(string kind, string name, string file) : ProblemException(
    StatusCodes.Status409Conflict,
    "Provisioned object",
    $"{kind} '{name}' is provisioned from the file '{file}' and is read-only here; change the file instead.",
    extensions: new Dictionary<string, object?> { ["kind"] = kind, ["name"] = name, ["file"] = file })
{
    public string File { get; } = file;
}

/// <summary>
/// The one check every service makes before it changes or deletes an object: provisioned objects are read-only in the
/// UI and the API. The provisioner itself writes through the same services inside <see cref="Applying"/>.
/// </summary>
public sealed class ProvisioningGuard(IDbContextFactory<PortalDbContext> contexts)
{
    private static readonly AsyncLocal<bool> IsApplying = new();

    /// <summary>Lets the calling flow write provisioned objects (the provisioner) until disposed.</summary>
    public static IDisposable Applying()
    {
        IsApplying.Value = true;
        return new Reset();
    }

    /// <summary>The file that owns the object, or null.</summary>
    public async Task<string?> OwnerFileAsync(string kind, string entityKey, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ProvisionedObjects.AsNoTracking().Where(p => p.Kind == kind && p.EntityKey == entityKey)
            .Select(p => p.File).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The objects of a kind that provisioning files own (entity key → file), for lists that hide their edit buttons.</summary>
    public async Task<IReadOnlyDictionary<string, string>> OwnedAsync(string kind, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ProvisionedObjects.AsNoTracking().Where(p => p.Kind == kind).ToDictionaryAsync(p => p.EntityKey, p => p.File, cancellationToken);
    }

    /// <exception cref="ProvisionedObjectException">A provisioning file owns the object.</exception>
    public async Task EnsureWritableAsync(string kind, string entityKey, CancellationToken cancellationToken = default)
    {
        if (IsApplying.Value)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var owner = await db.ProvisionedObjects.AsNoTracking().Where(p => p.Kind == kind && p.EntityKey == entityKey)
            .Select(p => new { p.Name, p.File }).FirstOrDefaultAsync(cancellationToken);
        if (owner is not null)
        {
            throw new ProvisionedObjectException(kind, owner.Name, owner.File);
        }
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => IsApplying.Value = false;
    }
}
