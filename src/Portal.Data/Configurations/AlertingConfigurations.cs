using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Entities;
using Portal.Data.Entities.Alerting;

namespace Portal.Data.Configurations;

public sealed class AlertRuleConfiguration : IEntityTypeConfiguration<AlertRuleEntity>
{
    public void Configure(EntityTypeBuilder<AlertRuleEntity> builder)
    {
        builder.ToTable("AlertRules");
        builder.Property(r => r.Name).HasMaxLength(AlertRuleEntity.NameMaxLength);
        builder.Property(r => r.Metric).HasConversion<string>().HasMaxLength(40);
        builder.Property(r => r.Feature).HasMaxLength(ModelFeature.NameMaxLength);
        builder.Property(r => r.Comparator).HasMaxLength(20);
        builder.Property(r => r.Severity).HasMaxLength(20);
        builder.Property(r => r.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(r => r.UpdatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(r => r.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Runbook>().WithMany().HasForeignKey(r => r.RunbookId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(r => new { r.Name, r.Severity }).IsUnique();
        builder.Property(r => r.NoData).HasMaxLength(20);
        builder.Property(r => r.SloAlert).HasMaxLength(20);
        builder.HasOne<Entities.Jobs.SloDefinition>().WithMany().HasForeignKey(r => r.SloId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class AlertRecordConfiguration : IEntityTypeConfiguration<AlertRecord>
{
    public void Configure(EntityTypeBuilder<AlertRecord> builder)
    {
        builder.ToTable("Alerts");
        builder.Property(a => a.Fingerprint).HasMaxLength(64);
        builder.Property(a => a.Severity).HasMaxLength(20);
        builder.Property(a => a.State).HasMaxLength(20);
        builder.Property(a => a.ActiveAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(a => a.FiredAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(a => a.ResolvedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(a => a.ClearedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(a => a.LastEvaluatedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.HasOne<AlertRuleEntity>().WithMany().HasForeignKey(a => a.RuleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(a => a.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.History).WithOne().HasForeignKey(h => h.AlertId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.Fingerprint).IsUnique();
        builder.HasIndex(a => a.State);
    }
}

public sealed class AlertStateChangeConfiguration : IEntityTypeConfiguration<AlertStateChange>
{
    public void Configure(EntityTypeBuilder<AlertStateChange> builder)
    {
        builder.ToTable("AlertStateChanges");
        builder.Property(h => h.From).HasMaxLength(20);
        builder.Property(h => h.To).HasMaxLength(20);
        builder.Property(h => h.At).HasConversion(UtcDateTime.Converter);
        builder.HasIndex(h => new { h.AlertId, h.At });
    }
}

public sealed class AlertAcknowledgementConfiguration : IEntityTypeConfiguration<AlertAcknowledgementRecord>
{
    public void Configure(EntityTypeBuilder<AlertAcknowledgementRecord> builder)
    {
        builder.ToTable("AlertAcknowledgements");
        builder.Property(a => a.By).HasMaxLength(256);
        builder.Property(a => a.Comment).HasMaxLength(1000);
        builder.Property(a => a.At).HasConversion(UtcDateTime.Converter);
        builder.HasOne<AlertRecord>().WithMany().HasForeignKey(a => a.AlertId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.AlertId, a.At });
    }
}

public sealed class AlertSilenceConfiguration : IEntityTypeConfiguration<AlertSilence>
{
    public void Configure(EntityTypeBuilder<AlertSilence> builder)
    {
        builder.ToTable("AlertSilences");
        builder.Property(s => s.CreatedBy).HasMaxLength(256);
        builder.Property(s => s.Comment).HasMaxLength(1000);
        builder.Property(s => s.StartsAt).HasConversion(UtcDateTime.Converter);
        builder.Property(s => s.EndsAt).HasConversion(UtcDateTime.Converter);
        builder.Property(s => s.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasIndex(s => s.EndsAt);
    }
}

public sealed class RcaFindingConfiguration : IEntityTypeConfiguration<RcaFinding>
{
    public void Configure(EntityTypeBuilder<RcaFinding> builder)
    {
        builder.ToTable("RcaFindings");
        builder.Property(f => f.PrimaryCause).HasMaxLength(40);
        builder.Property(f => f.At).HasConversion(UtcDateTime.Converter);
        builder.HasOne<AlertRecord>().WithMany().HasForeignKey(f => f.AlertId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(f => new { f.AlertId, f.At });
    }
}

public sealed class NotificationChannelConfiguration : IEntityTypeConfiguration<NotificationChannel>
{
    public void Configure(EntityTypeBuilder<NotificationChannel> builder)
    {
        builder.ToTable("NotificationChannels");
        builder.Property(c => c.Name).HasMaxLength(NotificationChannel.NameMaxLength);
        builder.Property(c => c.Type).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(c => c.UpdatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasIndex(c => c.Name).IsUnique();
    }
}

public sealed class AlertNotificationConfiguration : IEntityTypeConfiguration<AlertNotification>
{
    public void Configure(EntityTypeBuilder<AlertNotification> builder)
    {
        builder.ToTable("AlertNotifications");
        builder.Property(n => n.GroupKey).HasMaxLength(400);
        builder.Property(n => n.Status).HasMaxLength(20);
        builder.Property(n => n.Outcome).HasMaxLength(20);
        builder.Property(n => n.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(n => n.FinishedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.HasOne<NotificationChannel>().WithMany().HasForeignKey(n => n.ChannelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(n => n.Attempts).WithOne().HasForeignKey(a => a.NotificationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(n => new { n.ChannelId, n.CreatedAt });
    }
}

public sealed class NotificationAttemptConfiguration : IEntityTypeConfiguration<NotificationAttempt>
{
    public void Configure(EntityTypeBuilder<NotificationAttempt> builder)
    {
        builder.ToTable("NotificationAttempts");
        builder.Property(a => a.Status).HasMaxLength(40);
        builder.Property(a => a.Error).HasMaxLength(1000);
        builder.Property(a => a.At).HasConversion(UtcDateTime.Converter);
        builder.HasIndex(a => new { a.ChannelId, a.At });
    }
}

public sealed class NotificationGroupConfiguration : IEntityTypeConfiguration<NotificationGroupRecord>
{
    public void Configure(EntityTypeBuilder<NotificationGroupRecord> builder)
    {
        builder.ToTable("NotificationGroups");
        builder.Property(g => g.GroupKey).HasMaxLength(400);
        builder.Property(g => g.CreatedAt).HasConversion(UtcDateTime.Converter);
        builder.Property(g => g.LastFlushAt).HasConversion(UtcDateTime.NullableConverter);
        builder.Property(g => g.LastNotifiedAt).HasConversion(UtcDateTime.NullableConverter);
        builder.HasOne<NotificationChannel>().WithMany().HasForeignKey(g => g.ChannelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<MlModel>().WithMany().HasForeignKey(g => g.ModelId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(g => new { g.ChannelId, g.GroupKey }).IsUnique();
    }
}

public sealed class RunbookConfiguration : IEntityTypeConfiguration<Runbook>
{
    public void Configure(EntityTypeBuilder<Runbook> builder)
    {
        builder.ToTable("Runbooks");
        builder.Property(r => r.Title).HasMaxLength(Runbook.TitleMaxLength);
        builder.Property(r => r.Tags).HasMaxLength(500);
        builder.Property(r => r.UpdatedBy).HasMaxLength(256);
        builder.Property(r => r.UpdatedAt).HasConversion(UtcDateTime.Converter);
        builder.HasMany(r => r.Versions).WithOne().HasForeignKey(v => v.RunbookId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.Title).IsUnique();
    }
}

public sealed class RunbookVersionConfiguration : IEntityTypeConfiguration<RunbookVersion>
{
    public void Configure(EntityTypeBuilder<RunbookVersion> builder)
    {
        builder.ToTable("RunbookVersions");
        builder.Property(v => v.Title).HasMaxLength(Runbook.TitleMaxLength);
        builder.Property(v => v.Tags).HasMaxLength(500);
        builder.Property(v => v.By).HasMaxLength(256);
        builder.Property(v => v.At).HasConversion(UtcDateTime.Converter);
        builder.HasIndex(v => new { v.RunbookId, v.Version }).IsUnique();
    }
}
