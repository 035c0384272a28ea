package gosrc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

func TestPassesAnonymous(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"gin abort on missing token", `func JWT() gin.HandlerFunc {
	return func(c *gin.Context) {
		if code != 0 {
			c.JSON(http.StatusUnauthorized, nil)
			c.Abort()
			return
		}
		c.Next()
	}
}`, false},
		{"net/http 401", `func requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			http.Error(w, "no", 401)
			return
		}
		next.ServeHTTP(w, r)
	})
}`, false},
		{"loads the user if a cookie is there", `func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get("Authorization"); v != "" {
			if !s.valid(v) {
				s.fail(w, ErrUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if id := s.session(r); id != 0 {
			r = s.withUser(r, id)
		}
		next.ServeHTTP(w, r)
	})
}`, true},
		{"redirects to login", `func (s *Server) requireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.user(r) == 0 {
			http.Redirect(w, r, "/login", http.StatusFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}`, false},
		{"rejects after the next call", `func auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok(r) {
			next.ServeHTTP(w, r)
			return
		}
		w.WriteHeader(403)
	})
}`, false},
	}
	for _, tt := range tests {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package x\n"+tt.src, 0)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := passesAnonymous(f.Decls[0].(*ast.FuncDecl)); got != tt.want {
			t.Errorf("%s: passesAnonymous = %v, want %v", tt.name, got, tt.want)
		}
	}
}
