using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Routing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_NotificationGroups_ChannelId_ModelId_Severity",
                table: "NotificationGroups");

            migrationBuilder.DropColumn(
                name: "Severity",
                table: "NotificationGroups");

            migrationBuilder.AlterColumn<int>(
                name: "ModelId",
                table: "NotificationGroups",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AddColumn<string>(
                name: "GroupKey",
                table: "NotificationGroups",
                type: "character varying(400)",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<string>(
                name: "GroupKey",
                table: "AlertNotifications",
                type: "character varying(400)",
                maxLength: 400,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationGroups_ChannelId_GroupKey",
                table: "NotificationGroups",
                columns: new[] { "ChannelId", "GroupKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_NotificationGroups_ChannelId_GroupKey",
                table: "NotificationGroups");

            migrationBuilder.DropColumn(
                name: "GroupKey",
                table: "NotificationGroups");

            migrationBuilder.AlterColumn<int>(
                name: "ModelId",
                table: "NotificationGroups",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Severity",
                table: "NotificationGroups",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<string>(
                name: "GroupKey",
                table: "AlertNotifications",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(400)",
                oldMaxLength: 400);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationGroups_ChannelId_ModelId_Severity",
                table: "NotificationGroups",
                columns: new[] { "ChannelId", "ModelId", "Severity" },
                unique: true);
        }
    }
}
