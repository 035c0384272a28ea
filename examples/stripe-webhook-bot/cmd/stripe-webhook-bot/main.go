// Command stripe-webhook-bot serves the example webhook bot.
//
//	STRIPE_WEBHOOK_SECRET=whsec_... ADMIN_TOKEN=... \
//	  go run ./examples/stripe-webhook-bot/cmd/stripe-webhook-bot --mode hardened --addr 127.0.0.1:8080
//
// Secrets come from the environment, never from flags or source.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/threatmap/threatmap/examples/stripe-webhook-bot/server"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "stripe-webhook-bot:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("stripe-webhook-bot", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	mode := fs.String("mode", "hardened", "hardened or vulnerable")
	allow := fs.String("allow", "", "comma-separated addresses or CIDRs allowed to call the webhook (default: Stripe's published webhook IPs)")
	rate := fs.Int("rate", 100, "requests per minute per client IP")
	tokenTTL := fs.Duration("token-ttl", 24*time.Hour, "lifetime of ADMIN_TOKEN")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := server.ParseMode(*mode)
	if err != nil {
		return err
	}
	cfg := server.Config{
		Mode:          m,
		SigningSecret: os.Getenv("STRIPE_WEBHOOK_SECRET"),
		RatePerMinute: *rate,
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, nil)),
	}
	if m == server.Hardened && cfg.SigningSecret == "" {
		return errors.New("hardened mode needs STRIPE_WEBHOOK_SECRET")
	}
	if *allow != "" {
		if cfg.Allow, err = server.ParseAllow(strings.Split(*allow, ",")); err != nil {
			return fmt.Errorf("--allow: %w", err)
		}
	}
	if tok := os.Getenv("ADMIN_TOKEN"); tok != "" {
		cfg.Tokens = []server.Token{{Value: tok, Expires: time.Now().Add(*tokenTTL)}}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: server.New(cfg), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	cfg.Logger.Info("listening", "addr", ln.Addr().String(), "mode", string(m))
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
