using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Web.Features.Admin.Audit;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Admin.Users;

public sealed record UserRow(string Id, string Email, string? DisplayName, string Role, bool Locked, DateTimeOffset CreatedAt);

/// <summary>A change to a user that the portal refuses, with a message for the person who asked.</summary>
public sealed class UserAdminException(string message) : Exception(message);

/// <summary>
/// Creates users, sets their one role, locks and unlocks them; every change is audited. Passwords are generated
/// here (or given by setup/bootstrap) and returned once, never stored in clear or logged.
/// </summary>
public sealed class UserAdminService(UserManager<PortalUser> users, PortalDbContext db, IAuditLog audit)
{
    public const string EntityType = "User";

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        var people = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var roles = await (from ur in db.UserRoles.AsNoTracking()
                           join r in db.Roles.AsNoTracking() on ur.RoleId equals r.Id
                           select new { ur.UserId, r.Name }).ToListAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        return people.Select(u => new UserRow(
                u.Id, u.Email ?? u.UserName ?? u.Id, u.DisplayName,
                PortalRoles.Highest(roles.Where(r => r.UserId == u.Id).Select(r => r.Name!)) ?? "(none)",
                u.LockoutEnd > now, u.CreatedAt))
            .ToList();
    }

    /// <summary>Creates a user with <paramref name="role"/>; without <paramref name="password"/> a one-time password is generated and returned.</summary>
    public async Task<(UserRow User, string Password)> CreateAsync(string email, string? displayName, string role, string? password = null)
    {
        password ??= Passwords.Generate();
        var row = await CreateAsync(email, displayName, role, password, onlyAsFirstUser: false);
        return (row!, password);
    }

    /// <summary>
    /// The first admin, through the setup link: created only while the portal has no user at all, else null. The check
    /// and the creation are one transaction holding <see cref="ClusterLockKeys.FirstAdmin"/> (on SQLite the write lock),
    /// so two submissions of the link at once, on one node or on two, create one admin.
    /// </summary>
    public Task<UserRow?> CreateFirstAdminAsync(string email, string? displayName, string password) =>
        CreateAsync(email, displayName, PortalRoles.Admin, password, onlyAsFirstUser: true);

    private async Task<UserRow?> CreateAsync(string email, string? displayName, string role, string password, bool onlyAsFirstUser)
    {
        email = email.Trim();
        displayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        if (!PortalRoles.IsRole(role))
        {
            throw new UserAdminException($"Role '{role}' does not exist; use one of {string.Join(", ", PortalRoles.All)}.");
        }

        if (displayName?.Length > 100)
        {
            throw new UserAdminException("Display name: at most 100 characters.");
        }

        db.ChangeTracker.Clear();
        var user = new PortalUser { UserName = email, Email = email, DisplayName = displayName, CreatedAt = DateTimeOffset.UtcNow };
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (onlyAsFirstUser)
        {
            await db.Database.LockUntilCommitAsync(ClusterLockKeys.FirstAdmin);
            if (await db.Users.AnyAsync())
            {
                return null;
            }
        }

        Check(await users.CreateAsync(user, password));
        Check(await users.AddToRoleAsync(user, role));
        var row = ToRow(user, role);
        await audit.RecordAsync(AuditActions.Create, EntityType, user.Id, null, Snapshot(row));
        await transaction.CommitAsync();
        return row;
    }

    public async Task SetRoleAsync(string userId, string role)
    {
        if (!PortalRoles.IsRole(role))
        {
            throw new UserAdminException($"Role '{role}' does not exist.");
        }

        var (user, before) = await LoadAsync(userId);
        if (before.Role == role)
        {
            return;
        }

        if (before.Role == PortalRoles.Admin)
        {
            await EnsureAnotherAdminAsync(userId);
        }

        await using var transaction = await db.Database.BeginTransactionAsync();
        Check(await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user)));
        Check(await users.AddToRoleAsync(user, role));
        Check(await users.UpdateSecurityStampAsync(user));
        await audit.RecordAsync(AuditActions.Update, EntityType, userId, Snapshot(before), Snapshot(before with { Role = role }));
        await transaction.CommitAsync();
    }

    /// <summary>Locks the user out until unlocked; their open sessions end within a minute.</summary>
    public async Task LockAsync(string userId)
    {
        var (user, before) = await LoadAsync(userId);
        if (before.Role == PortalRoles.Admin)
        {
            await EnsureAnotherAdminAsync(userId);
        }

        Check(await users.SetLockoutEnabledAsync(user, true));
        Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
        Check(await users.UpdateSecurityStampAsync(user));
        await audit.RecordAsync(AuditActions.Lock, EntityType, userId, Snapshot(before), Snapshot(before with { Locked = true }));
    }

    public async Task UnlockAsync(string userId)
    {
        var (user, before) = await LoadAsync(userId);
        Check(await users.SetLockoutEndDateAsync(user, null));
        Check(await users.ResetAccessFailedCountAsync(user));
        await audit.RecordAsync(AuditActions.Unlock, EntityType, userId, Snapshot(before), Snapshot(before with { Locked = false }));
    }

    private async Task<(PortalUser User, UserRow Row)> LoadAsync(string userId)
    {
        // The context may live as long as a Blazor circuit: forget what it tracked so every change starts from the database.
        db.ChangeTracker.Clear();
        var user = await users.FindByIdAsync(userId) ?? throw new UserAdminException("That user no longer exists.");
        var role = PortalRoles.Highest(await users.GetRolesAsync(user)) ?? "(none)";
        return (user, ToRow(user, role));
    }

    private async Task EnsureAnotherAdminAsync(string userId)
    {
        var now = DateTimeOffset.UtcNow;
        var admins = await users.GetUsersInRoleAsync(PortalRoles.Admin);
        if (!admins.Any(a => a.Id != userId && !(a.LockoutEnd > now)))
        {
            throw new UserAdminException("This is the last active admin: make someone else an admin first.");
        }
    }

    private static UserRow ToRow(PortalUser user, string role) =>
        new(user.Id, user.Email ?? user.UserName ?? user.Id, user.DisplayName, role, user.LockoutEnd > DateTimeOffset.UtcNow, user.CreatedAt);

    private static object Snapshot(UserRow row) => new { email = row.Email, displayName = row.DisplayName, role = row.Role, locked = row.Locked };

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new UserAdminException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
