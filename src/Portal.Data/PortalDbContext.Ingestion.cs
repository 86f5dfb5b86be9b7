using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data;

/// <summary>Models, their schema and reference data, and what the ingestion path writes (raw rows and rollups).</summary>
public abstract partial class PortalDbContext
{
    public DbSet<MlModel> Models => Set<MlModel>();

    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();

    public DbSet<ModelFeature> ModelFeatures => Set<ModelFeature>();

    public DbSet<ReferenceDataset> ReferenceDatasets => Set<ReferenceDataset>();

    public DbSet<ReferenceColumn> ReferenceColumns => Set<ReferenceColumn>();

    public DbSet<ReferenceChunk> ReferenceChunks => Set<ReferenceChunk>();

    public DbSet<PredictionEvent> PredictionEvents => Set<PredictionEvent>();

    public DbSet<FeedbackLabel> FeedbackLabels => Set<FeedbackLabel>();

    public DbSet<ResourceSample> ResourceSamples => Set<ResourceSample>();

    public DbSet<PredictionRollup> PredictionRollups => Set<PredictionRollup>();

    public DbSet<FeatureRollup> FeatureRollups => Set<FeatureRollup>();

    public DbSet<QualityRollup> QualityRollups => Set<QualityRollup>();

    public DbSet<ResourceRollup> ResourceRollups => Set<ResourceRollup>();
}
