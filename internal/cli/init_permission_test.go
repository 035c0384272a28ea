package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitDraftsVerifiedCommandAuthorization checks that a bot command
// whose code checks the caller gets a drafted authorization control, that
// the route scan verifies it on the report, and that a command without a
// check is not covered by it.
func TestInitDraftsVerifiedCommandAuthorization(t *testing.T) {
	dir := t.TempDir()
	bot := `import discord
from discord.ext import commands

bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())


@bot.command()
@commands.has_permissions(ban_members=True)
async def ban(ctx, member: discord.Member):
    await member.ban()


@bot.command()
async def ping(ctx):
    await ctx.send("pong")
`
	if err := os.WriteFile(filepath.Join(dir, "bot.py"), []byte(bot), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runIn(t, dir, nil, "init", "--name", "bot"); code != ExitOK {
		t.Fatalf("init exit %d: %s", code, errOut)
	}
	model, err := os.ReadFile(filepath.Join(dir, "threatmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "{id: authorization, kind: authorization, on: [cmd-ban]}"; !strings.Contains(string(model), want) {
		t.Fatalf("starter model lacks %q:\n%s", want, model)
	}
	js, errOut, _ := runIn(t, dir, nil, "report", "--format", "json")
	var doc struct {
		Controls []struct {
			ID, Status string
			Evidence   []string
		}
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatalf("%v: %s %s", err, js, errOut)
	}
	found := false
	for _, c := range doc.Controls {
		if c.ID != "authorization" {
			continue
		}
		found = true
		if c.Status != "verified" {
			t.Errorf("authorization control is %s, want verified by the permission guard", c.Status)
		}
	}
	if !found {
		t.Errorf("no authorization control in the report: %s", js)
	}
}
