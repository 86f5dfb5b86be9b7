using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Identity;
using Portal.Web.Infrastructure.Audit;
using Portal.Web.Infrastructure.Auth;

namespace Portal.Web.Features.Admin.Users;

public sealed record UserRow(string Id, string Email, string? DisplayName, string Role, bool Locked, DateTimeOffset CreatedAt);

/// <summary>A change to a user that the portal refuses, with a message for the person who asked.</summary>
public sealed class UserAdminException(string message) : Exception(message);

/// <summary>
/// Creates users, sets their one role, locks and unlocks them; every change is audited. Passwords are generated
/// here (or given by setup/bootstrap) and returned once, never stored in clear or logged. Each operation has a scope
/// of its own: a fresh <see cref="UserManager{TUser}"/> and the context its store uses, so a change and its audit
/// entry share one transaction and nothing outlives the operation.
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<PortalDbContext> contexts, IAuditLog audit)
{
    public const string EntityType = "User";

    public async Task<IReadOnlyList<UserRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
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

    /// <summary>Whether anyone has an account yet (setup offers its form only while nobody has).</summary>
    public async Task<bool> AnyUserAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(cancellationToken);
    }

    /// <summary>Creates a user with <paramref name="role"/>; without <paramref name="password"/> a one-time password is generated and returned.</summary>
    public async Task<(UserRow User, string Password)> CreateAsync(string email, string? displayName, string role, string? password = null)
    {
        password ??= Passwords.Generate();
        var row = await CreateCoreAsync(email, displayName, role, (users, user) => users.CreateAsync(user, password), onlyAsFirstUser: false);
        return (row!, password);
    }

    /// <summary>
    /// The first admin, through the setup link: created only while the portal has no user at all, else null. The check
    /// and the creation are one transaction holding <see cref="ClusterLockKeys.FirstAdmin"/> (on SQLite the write lock),
    /// so two submissions of the link at once, on one node or on two, create one admin.
    /// </summary>
    public Task<UserRow?> CreateFirstAdminAsync(string email, string? displayName, string password) =>
        CreateCoreAsync(email, displayName, PortalRoles.Admin, (users, user) => users.CreateAsync(user, password), onlyAsFirstUser: true);

    /// <summary>Creates a user of single sign-on: no password, linked to the provider's <paramref name="login"/> (issuer and subject).</summary>
    public async Task<UserRow> CreateExternalAsync(string email, string? displayName, string role, UserLoginInfo login) =>
        (await CreateCoreAsync(email, displayName, role, async (users, user) =>
        {
            var created = await users.CreateAsync(user);
            return created.Succeeded ? await users.AddLoginAsync(user, login) : created;
        }, onlyAsFirstUser: false))!;

    private async Task<UserRow?> CreateCoreAsync(
        string email, string? displayName, string role, Func<UserManager<PortalUser>, PortalUser, Task<IdentityResult>> create, bool onlyAsFirstUser)
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

        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Identity(scope);
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

        Check(await create(users, user));
        Check(await users.AddToRoleAsync(user, role));
        var row = ToRow(user, role);
        await audit.RecordAsync(db, AuditActions.Create, EntityType, user.Id, null, Snapshot(row));
        await transaction.CommitAsync();
        return row;
    }

    public async Task SetRoleAsync(string userId, string role)
    {
        if (!PortalRoles.IsRole(role))
        {
            throw new UserAdminException($"Role '{role}' does not exist.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Identity(scope);
        var (user, before) = await LoadAsync(users, userId);
        if (before.Role == role)
        {
            return;
        }

        if (before.Role == PortalRoles.Admin)
        {
            await EnsureAnotherAdminAsync(users, userId);
        }

        await ChangeRoleAsync(users, db, user, before, role);
    }

    /// <summary>
    /// The role a single sign-on provider grants, set at each sign-in (audited when it changes). The provider decides,
    /// so the last-admin check of <see cref="SetRoleAsync"/> does not apply.
    /// </summary>
    public async Task SetRoleFromProviderAsync(string userId, string role)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Identity(scope);
        var (user, before) = await LoadAsync(users, userId);
        if (before.Role != role)
        {
            await ChangeRoleAsync(users, db, user, before, role);
        }
    }

    private async Task ChangeRoleAsync(UserManager<PortalUser> users, PortalDbContext db, PortalUser user, UserRow before, string role)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        Check(await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user)));
        Check(await users.AddToRoleAsync(user, role));
        Check(await users.UpdateSecurityStampAsync(user));
        await audit.RecordAsync(db, AuditActions.Update, EntityType, user.Id, Snapshot(before), Snapshot(before with { Role = role }));
        await transaction.CommitAsync();
    }

    /// <summary>Locks the user out until unlocked; their open sessions end within a minute.</summary>
    public async Task LockAsync(string userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Identity(scope);
        var (user, before) = await LoadAsync(users, userId);
        if (before.Role == PortalRoles.Admin)
        {
            await EnsureAnotherAdminAsync(users, userId);
        }

        Check(await users.SetLockoutEnabledAsync(user, true));
        Check(await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue));
        Check(await users.UpdateSecurityStampAsync(user));
        await audit.RecordAsync(db, AuditActions.Lock, EntityType, userId, Snapshot(before), Snapshot(before with { Locked = true }));
    }

    public async Task UnlockAsync(string userId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Identity(scope);
        var (user, before) = await LoadAsync(users, userId);
        Check(await users.SetLockoutEndDateAsync(user, null));
        Check(await users.ResetAccessFailedCountAsync(user));
        await audit.RecordAsync(db, AuditActions.Unlock, EntityType, userId, Snapshot(before), Snapshot(before with { Locked = false }));
    }

    private static (UserManager<PortalUser> Users, PortalDbContext Db) Identity(AsyncServiceScope scope) =>
        (scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>(), scope.ServiceProvider.GetRequiredService<PortalDbContext>());

    private static async Task<(PortalUser User, UserRow Row)> LoadAsync(UserManager<PortalUser> users, string userId)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new UserAdminException("That user no longer exists.");
        var role = PortalRoles.Highest(await users.GetRolesAsync(user)) ?? "(none)";
        return (user, ToRow(user, role));
    }

    private static async Task EnsureAnotherAdminAsync(UserManager<PortalUser> users, string userId)
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
