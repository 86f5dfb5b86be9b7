using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Portal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Experiments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Experiments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Hypothesis = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ModelId = table.Column<int>(type: "integer", nullable: false),
                    UnitType = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Alpha = table.Column<double>(type: "double precision", nullable: false),
                    Power = table.Column<double>(type: "double precision", nullable: false),
                    MinimumDetectableEffect = table.Column<double>(type: "double precision", nullable: false),
                    BaselineValue = table.Column<double>(type: "double precision", nullable: true),
                    BaselineStdDev = table.Column<double>(type: "double precision", nullable: true),
                    Looks = table.Column<int>(type: "integer", nullable: false),
                    RequiredPerVariant = table.Column<long>(type: "bigint", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    StoppedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ConcludedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Conclusion = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Experiments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Experiments_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentAnalyses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    JobRunId = table.Column<long>(type: "bigint", nullable: true),
                    Verdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    StillNeededPerVariant = table.Column<long>(type: "bigint", nullable: false),
                    SrmMismatch = table.Column<bool>(type: "boolean", nullable: false),
                    SrmPValue = table.Column<double>(type: "double precision", nullable: true),
                    InformationFraction = table.Column<double>(type: "double precision", nullable: false),
                    Look = table.Column<int>(type: "integer", nullable: true),
                    PrimaryJson = table.Column<string>(type: "text", nullable: false),
                    ResultJson = table.Column<string>(type: "text", nullable: false),
                    DataDigest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentAnalyses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentAnalyses_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ExperimentAnalyses_JobRuns_JobRunId",
                        column: x => x.JobRunId,
                        principalTable: "JobRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentArms",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ModelVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Share = table.Column<double>(type: "double precision", nullable: false),
                    IsControl = table.Column<bool>(type: "boolean", nullable: false),
                    IsShadow = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentArms", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentArms_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentLifecycleEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    From = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    To = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentLifecycleEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentLifecycleEvents_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentMetrics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    HigherIsBetter = table.Column<bool>(type: "boolean", nullable: false),
                    Bound = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentMetrics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentMetrics_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentObservations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ExperimentId = table.Column<string>(type: "character varying(64)", nullable: false),
                    Metric = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UnitId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Variant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Value = table.Column<double>(type: "double precision", nullable: false),
                    Covariate = table.Column<double>(type: "double precision", nullable: true),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentObservations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExperimentObservations_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentAnalyses_ExperimentId_At",
                table: "ExperimentAnalyses",
                columns: new[] { "ExperimentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentAnalyses_JobRunId",
                table: "ExperimentAnalyses",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentArms_ExperimentId_Name",
                table: "ExperimentArms",
                columns: new[] { "ExperimentId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentLifecycleEvents_ExperimentId_At",
                table: "ExperimentLifecycleEvents",
                columns: new[] { "ExperimentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentMetrics_ExperimentId_Name",
                table: "ExperimentMetrics",
                columns: new[] { "ExperimentId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ExperimentObservations_ExperimentId_Metric_UnitId",
                table: "ExperimentObservations",
                columns: new[] { "ExperimentId", "Metric", "UnitId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ModelId_State",
                table: "Experiments",
                columns: new[] { "ModelId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExperimentAnalyses");

            migrationBuilder.DropTable(
                name: "ExperimentArms");

            migrationBuilder.DropTable(
                name: "ExperimentLifecycleEvents");

            migrationBuilder.DropTable(
                name: "ExperimentMetrics");

            migrationBuilder.DropTable(
                name: "ExperimentObservations");

            migrationBuilder.DropTable(
                name: "Experiments");
        }
    }
}
