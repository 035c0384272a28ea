package model

import "testing"

func TestProtocolEncrypted(t *testing.T) {
	tests := []struct {
		in         string
		enc, known bool
	}{
		{"https", true, true},
		{"HTTP", false, true},
		{"ldap", false, true},
		{"ldaps", true, true},
		{"mysql", false, true},
		{"postgresql", false, true},
		{"postgres://db:5432/app?sslmode=require", true, true},
		{"postgres://db:5432/app?sslmode=disable", false, true},
		{"jdbc:mysql://db:3306/shop", false, true},
		{"jdbc:mysql://db:3306/shop?useSSL=true", true, true},
		{"jdbc:postgresql://db/app?sslmode=verify-full", true, true},
		{"jdbc:sqlserver://db:1433;encrypt=true", true, true},
		{"jdbc:oracle:thin:@tcps://db:2484/x", true, true},
		{"mongodb", false, true},
		{"mongodb+srv", true, true},
		{"redis", false, true},
		{"rediss", true, true},
		{"amqp", false, true},
		{"amqps", true, true},
		{"mqtt", false, true},
		{"mqtts", true, true},
		{"nfs", false, true},
		{"smb", false, true},
		{"ftp", false, true},
		{"ftps", true, true},
		{"sftp", true, true},
		{"kafka", false, true},
		{"kafka+ssl", true, true},
		{"nats", false, true},
		{"grpc", false, true},
		{"grpcs", true, true},
		{"ws", false, true},
		{"wss", true, true},
		{"smtp", false, true},
		{"smtps", true, true},
		{"imap", false, true},
		{"imaps", true, true},
		{"carrier-pigeon", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		enc, known := protocolEncrypted(tt.in)
		if enc != tt.enc || known != tt.known {
			t.Errorf("protocolEncrypted(%q) = %v, %v; want %v, %v", tt.in, enc, known, tt.enc, tt.known)
		}
	}
}

// FuzzProtocolEncrypted checks that any protocol string a model may hold
// is judged without a panic, and that a name judged encrypted is known.
func FuzzProtocolEncrypted(f *testing.F) {
	for _, s := range []string{"https", "jdbc:mysql://db:3306/x?useSSL=true", "postgres://h/db?sslmode=require", "jdbc:oracle:thin:@tcps://h:1/x", "://", "jdbc:", "?;&="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc, known := protocolEncrypted(s)
		if enc && !known {
			t.Errorf("protocolEncrypted(%q) says encrypted but unknown", s)
		}
	})
}
