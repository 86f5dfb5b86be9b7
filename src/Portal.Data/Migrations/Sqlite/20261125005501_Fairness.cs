using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Fairness : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FairnessDisparityResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobRunId = table.Column<long>(type: "INTEGER", nullable: false),
                    ModelId = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Window = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Attribute = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Ratio = table.Column<double>(type: "REAL", nullable: true),
                    LowestGroup = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    HighestGroup = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Flagged = table.Column<bool>(type: "INTEGER", nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FairnessDisparityResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FairnessDisparityResults_JobRuns_JobRunId",
                        column: x => x.JobRunId,
                        principalTable: "JobRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FairnessDisparityResults_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FairnessGroupResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobRunId = table.Column<long>(type: "INTEGER", nullable: false),
                    ModelId = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Window = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    WindowStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    WindowEnd = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attribute = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Group = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    IncludedInRatios = table.Column<bool>(type: "INTEGER", nullable: false),
                    Accuracy = table.Column<double>(type: "REAL", nullable: false),
                    SelectionRate = table.Column<double>(type: "REAL", nullable: false),
                    FalsePositiveRate = table.Column<double>(type: "REAL", nullable: true),
                    TruePositiveRate = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FairnessGroupResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FairnessGroupResults_JobRuns_JobRunId",
                        column: x => x.JobRunId,
                        principalTable: "JobRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FairnessGroupResults_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FairnessSettings",
                columns: table => new
                {
                    ModelId = table.Column<int>(type: "INTEGER", nullable: false),
                    Attributes = table.Column<string>(type: "TEXT", nullable: false),
                    MinGroupSize = table.Column<int>(type: "INTEGER", nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FairnessSettings", x => x.ModelId);
                    table.ForeignKey(
                        name: "FK_FairnessSettings_Models_ModelId",
                        column: x => x.ModelId,
                        principalTable: "Models",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FairnessDisparityResults_JobRunId",
                table: "FairnessDisparityResults",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_FairnessDisparityResults_ModelId_Window_Attribute_At",
                table: "FairnessDisparityResults",
                columns: new[] { "ModelId", "Window", "Attribute", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_FairnessGroupResults_JobRunId",
                table: "FairnessGroupResults",
                column: "JobRunId");

            migrationBuilder.CreateIndex(
                name: "IX_FairnessGroupResults_ModelId_Window_Attribute_At",
                table: "FairnessGroupResults",
                columns: new[] { "ModelId", "Window", "Attribute", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FairnessDisparityResults");

            migrationBuilder.DropTable(
                name: "FairnessGroupResults");

            migrationBuilder.DropTable(
                name: "FairnessSettings");
        }
    }
}
