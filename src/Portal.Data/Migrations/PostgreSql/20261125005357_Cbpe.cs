using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Cbpe : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "EstimatedAccuracy",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedAccuracyLower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedAccuracyUpper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedF1",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedF1Lower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedF1Upper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedPrecision",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedPrecisionLower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedPrecisionUpper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedRecall",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedRecallLower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedRecallUpper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedRocAuc",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedRocAucLower",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "EstimatedRocAucUpper",
                table: "QualityResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "EstimationCalibrated",
                table: "QualityResults",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "EstimationNote",
                table: "QualityResults",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "EstimationScores",
                table: "QualityResults",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EstimatedAccuracy",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedAccuracyLower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedAccuracyUpper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedF1",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedF1Lower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedF1Upper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedPrecision",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedPrecisionLower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedPrecisionUpper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedRecall",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedRecallLower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedRecallUpper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedRocAuc",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedRocAucLower",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimatedRocAucUpper",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimationCalibrated",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimationNote",
                table: "QualityResults");

            migrationBuilder.DropColumn(
                name: "EstimationScores",
                table: "QualityResults");
        }
    }
}
