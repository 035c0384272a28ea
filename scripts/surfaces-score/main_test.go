package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScoreApp checks the scorer on a small bot: a found entry, a missed
// one, a false claim of protection, a missed guard and an extra entry are
// each counted where they belong.
func TestScoreApp(t *testing.T) {
	dir := t.TempDir()
	src := `import discord
from discord.ext import commands

bot = commands.Bot(command_prefix="!")


@bot.command()
@commands.has_permissions(ban_members=True)
async def ban(ctx):
    pass


@bot.command()
async def kick(ctx):
    pass


@bot.command()
async def ping(ctx):
    pass
`
	if err := os.WriteFile(filepath.Join(dir, "bot.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	truth := Truth{Repo: "x/y", Entries: []Entry{
		{Kind: "bot-command", Name: "/ban", Guards: []string{}},              // claimed permission: false claim
		{Kind: "bot-command", Name: "/kick", Guards: []string{"permission"}}, // guard missed
		{Kind: "bot-command", Name: "/gone", Guards: []string{}},             // missed entry
	}}
	s, err := ScoreApp(context.Background(), "bot", truth, dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Entries != 3 || s.Found != 2 || s.FalseClaims != 1 || s.Claims != 1 || s.Missed != 1 || s.Extra != 1 {
		t.Fatalf("score = %+v, want 3 entries, 2 found, 1 claim (false), 1 guard missed, 1 extra (/ping)", s)
	}
	joined := strings.Join(s.Detail, "\n")
	for _, want := range []string{"missed: bot-command /gone", "false claim: bot-command /ban has no permission", "guard missed: bot-command /kick permission", "not in truth: bot-command /ping"} {
		if !strings.Contains(joined, want) {
			t.Errorf("detail lacks %q:\n%s", want, joined)
		}
	}
}

// TestCorpusFilesLoad keeps the committed truth files readable.
func TestCorpusFilesLoad(t *testing.T) {
	truths, err := Load(filepath.Join("..", "..", "docs", "surfaces-corpus"))
	if err != nil {
		t.Fatal(err)
	}
	if len(truths) < 8 {
		t.Fatalf("%d truth files, want at least 8", len(truths))
	}
	for name, tr := range truths {
		if len(tr.Commit) != 40 {
			t.Errorf("%s: commit %q is not a full hash", name, tr.Commit)
		}
		for _, e := range tr.Entries {
			switch e.Kind {
			case "bot-command", "bot-webhook", "server-action", "queue", "cron", "http":
			default:
				t.Errorf("%s: entry %q has unknown kind %q", name, e.Name, e.Kind)
			}
		}
	}
}
