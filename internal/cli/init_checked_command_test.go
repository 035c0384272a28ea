package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckedCommandIsAnsweredRow checks that an owner-only command whose
// name says nothing of privilege is drafted privileged (the code's check
// says so), that the privileged-command row is raised on it and shows as
// verified by the drafted authorization control, that check passes, and
// that removing the check turns the same row into an open failure.
func TestCheckedCommandIsAnsweredRow(t *testing.T) {
	dir := t.TempDir()
	bot := `import discord
from discord.ext import commands

bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())


@bot.command()
@commands.is_owner()
async def avatar(ctx, url: str):
    await bot.user.edit(avatar=await fetch(url))


@bot.command()
async def ping(ctx):
    await ctx.send("pong")
`
	write := func(src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "bot.py"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(bot)
	if _, errOut, code := runIn(t, dir, nil, "init", "--name", "bot"); code != ExitOK {
		t.Fatalf("init exit %d: %s", code, errOut)
	}
	model, err := os.ReadFile(filepath.Join(dir, "threatmap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "path: /avatar, sender: discord, privileged: true}"; !strings.Contains(string(model), want) {
		t.Fatalf("starter model lacks %q:\n%s", want, model)
	}
	type threat struct {
		ID, Status  string
		MitigatedBy []string `json:"mitigated_by"`
		Difficulty  string
	}
	threats := func() map[string]threat {
		t.Helper()
		js, errOut, _ := runIn(t, dir, nil, "report", "--format", "json")
		var doc struct{ Threats []threat }
		if err := json.Unmarshal([]byte(js), &doc); err != nil {
			t.Fatalf("%v: %s %s", err, js, errOut)
		}
		out := map[string]threat{}
		for _, th := range doc.Threats {
			out[th.ID] = th
		}
		return out
	}
	got := threats()
	row, ok := got["privileged-bot-command-unchecked@cmd-avatar"]
	if !ok {
		t.Fatalf("no privileged-command row on the checked command: %v", got)
	}
	if row.Status != "verified" || strings.Join(row.MitigatedBy, ",") != "authorization" {
		t.Errorf("checked command row is %s by %v, want verified by authorization", row.Status, row.MitigatedBy)
	}
	if _, ok := got["privileged-bot-command-unchecked@cmd-ping"]; ok {
		t.Errorf("row on /ping, which is neither checked nor privileged")
	}
	if out, errOut, code := runIn(t, dir, nil, "check"); code != ExitOK {
		t.Errorf("check exit %d on a verified row: %s %s", code, out, errOut)
	}
	// The check goes: the same row fails, and so does check.
	write(strings.Replace(bot, "@commands.is_owner()\n", "", 1))
	if row := threats()["privileged-bot-command-unchecked@cmd-avatar"]; row.Status != "failing" {
		t.Errorf("row after the check was removed is %q, want failing", row.Status)
	}
	if _, _, code := runIn(t, dir, nil, "check"); code != ExitFindings {
		t.Errorf("check exit %d after the check was removed, want %d", code, ExitFindings)
	}
}
