using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Dashboards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_QualityRollups_ModelId_MinuteMs",
                table: "QualityRollups",
                columns: new[] { "ModelId", "MinuteMs" });

            migrationBuilder.CreateIndex(
                name: "IX_PredictionRollups_ModelId_MinuteMs",
                table: "PredictionRollups",
                columns: new[] { "ModelId", "MinuteMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_QualityRollups_ModelId_MinuteMs",
                table: "QualityRollups");

            migrationBuilder.DropIndex(
                name: "IX_PredictionRollups_ModelId_MinuteMs",
                table: "PredictionRollups");
        }
    }
}
