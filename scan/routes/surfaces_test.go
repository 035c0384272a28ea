package routes

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/threatmap/threatmap/evidence"
)

// TestScanFindsEntryPointsThatAreNotHTTP checks the scanner's hook: bot
// commands in Python and API Gateway routes in Terraform come out of a
// scan with their kinds and guards, registrations it cannot name are in
// Unresolved, and a bot's /admin command with a permission check raises no
// admin-without-auth finding while one without does.
func TestScanFindsEntryPointsThatAreNotHTTP(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, src string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bot/main.py", `import discord
from discord.ext import commands

bot = commands.Bot(command_prefix="!")


@bot.command()
@commands.has_permissions(administrator=True)
async def admin(ctx):
    pass


@bot.command(name="admin-panel")
async def admin_panel(ctx):
    pass




async def setup(b):
    b.add_command(build())
`)
	write("infra/api.tf", `resource "aws_apigatewayv2_api" "api" {
  name          = "api"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_route" "orders" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "POST /orders"
}
`)
	set, err := New().Scan(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]evidence.Route{}
	for _, r := range set.Routes {
		got[r.Kind+" "+r.Method+" "+r.Path] = r
	}
	if r, ok := got["bot-command COMMAND /admin"]; !ok || !slices.Contains(r.Guards, evidence.GuardPermission) {
		t.Errorf("/admin = %+v, want a bot command with the permission guard; routes: %v", r, set.Routes)
	}
	if r, ok := got[" POST /orders"]; !ok || r.Framework != "api-gateway" || len(r.Guards) != 0 {
		t.Errorf("POST /orders = %+v, want an unguarded api-gateway route", r)
	}
	if len(set.Unresolved) != 1 || set.Unresolved[0].File != "bot/main.py" || set.Unresolved[0].Line != 21 {
		t.Errorf("unresolved = %+v, want the add_command at bot/main.py:21", set.Unresolved)
	}
	var adminFindings []string
	for _, f := range set.Findings {
		if f.Rule == RuleAdminWithoutAuth {
			adminFindings = append(adminFindings, f.Resource)
		}
	}
	if !slices.Equal(adminFindings, []string{"COMMAND /admin-panel"}) {
		t.Errorf("admin-without-auth findings on %v, want only the unchecked /admin-panel", adminFindings)
	}
}
