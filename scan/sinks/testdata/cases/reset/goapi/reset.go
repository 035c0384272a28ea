package goapi

import (
	"net/http"

	"github.com/golang-jwt/jwt/v5"
)

var secret = []byte("k")

// ResetPassword checks the token's signature and expiry only.
func ResetPassword(w http.ResponseWriter, r *http.Request) {
	claims, err := parseResetToken(r.FormValue("token")) // want "reset-token-reusable"
	if err != nil {
		http.Error(w, "bad token", http.StatusBadRequest)
		return
	}
	setPassword(claims.Subject, r.FormValue("password"))
}

func parseResetToken(s string) (*jwt.RegisteredClaims, error) {
	claims := &jwt.RegisteredClaims{}
	_, err := jwt.ParseWithClaims(s, claims, func(*jwt.Token) (any, error) { return secret, nil })
	return claims, err
}

// ResetPasswordOnce deletes the stored token it finds.
func ResetPasswordOnce(w http.ResponseWriter, r *http.Request) {
	tok, err := jwt.Parse(r.FormValue("token"), func(*jwt.Token) (any, error) { return secret, nil })
	if err != nil || !tokens.Delete(tok.Raw) {
		http.Error(w, "bad token", http.StatusBadRequest)
		return
	}
	setPassword("", r.FormValue("password"))
}

// Me decodes the session token of a reset-state page: not a reset token.
func Me(w http.ResponseWriter, r *http.Request) {
	_, _ = jwt.Parse(r.Header.Get("Authorization"), func(*jwt.Token) (any, error) { return secret, nil })
}

func setPassword(user, password string) {}

type store struct{}

func (store) Delete(string) bool { return true }

var tokens store
