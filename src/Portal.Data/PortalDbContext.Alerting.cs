using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities.Alerting;

namespace Portal.Data;

/// <summary>
/// Alerting: rules, alert instances with their history, silences, acknowledgements, channels, notifications and their
/// attempts, runbooks with versions, root-cause findings; and the Data Protection key ring (shared by every node, so
/// encrypted channel secrets and auth cookies survive restarts and work on any node).
/// </summary>
public abstract partial class PortalDbContext : IDataProtectionKeyContext
{
    public DbSet<AlertRuleEntity> AlertRules => Set<AlertRuleEntity>();

    public DbSet<AlertRecord> Alerts => Set<AlertRecord>();

    public DbSet<AlertStateChange> AlertStateChanges => Set<AlertStateChange>();

    public DbSet<AlertAcknowledgementRecord> AlertAcknowledgements => Set<AlertAcknowledgementRecord>();

    public DbSet<AlertSilence> AlertSilences => Set<AlertSilence>();

    public DbSet<RcaFinding> RcaFindings => Set<RcaFinding>();

    public DbSet<NotificationChannel> NotificationChannels => Set<NotificationChannel>();

    public DbSet<AlertNotification> AlertNotifications => Set<AlertNotification>();

    public DbSet<NotificationAttempt> NotificationAttempts => Set<NotificationAttempt>();

    public DbSet<NotificationGroupRecord> NotificationGroups => Set<NotificationGroupRecord>();

    public DbSet<Runbook> Runbooks => Set<Runbook>();

    public DbSet<RunbookVersion> RunbookVersions => Set<RunbookVersion>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
}
