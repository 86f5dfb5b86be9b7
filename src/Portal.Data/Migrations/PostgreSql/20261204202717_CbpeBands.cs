using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class CbpeBands : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "RealisedAccuracyLower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedAccuracyUpper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedF1Lower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedF1Upper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedPrecisionLower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedPrecisionUpper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedRecallLower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedRecallUpper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedRocAucLower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "RealisedRocAucUpper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RealisedAccuracyLower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedAccuracyUpper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedF1Lower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedF1Upper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedPrecisionLower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedPrecisionUpper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedRecallLower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedRecallUpper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedRocAucLower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "RealisedRocAucUpper",
                table: "QualityResults");
        }
    }
}
