package model

import "strings"

// protocolTable says, for each protocol name a flow may carry, whether it
// encrypts in transit by default. Names are lower case; a scheme's TLS
// twin is listed beside it. A protocol whose default is plaintext but which
// can negotiate TLS (postgres, mysql, smtp with STARTTLS) counts as
// plaintext: the model should say tls (or the +tls / s form) when the
// connection requires it.
var protocolTable = map[string]bool{
	// Web and RPC.
	"https": true, "http": false, "http2": false, "h2": true, "h2c": false, "http3": true, "quic": true,
	"wss": true, "ws": false, "websocket": false, "grpcs": true, "grpc": false, "grpc+tls": true,
	"graphql": false, "soap": false,
	// Generic transports.
	"tls": true, "mtls": true, "dtls": true, "ssh": true, "tcp": false, "udp": false,
	"ipsec": true, "wireguard": true, "vpn": true, "telnet": false,
	// SQL databases.
	"postgres": false, "postgresql": false, "postgres+tls": true, "postgresql+tls": true, "postgres+ssl": true,
	"mysql": false, "mysql+tls": true, "mysql+ssl": true, "mariadb": false, "mariadb+tls": true,
	"mssql": false, "sqlserver": false, "mssql+tls": true, "sqlserver+tls": true,
	"oracle": false, "tcps": true, "db2": false, "cockroachdb": false,
	// Document, key-value and search stores.
	"mongodb": false, "mongodb+srv": true, "mongodb+tls": true,
	"redis": false, "rediss": true, "redis+tls": true, "memcached": false, "memcache": false,
	"cassandra": false, "cassandra+tls": true, "cql": false, "couchdb": false, "couchdbs": true,
	"elasticsearch": false, "neo4j": false, "neo4j+s": true, "bolt": false, "bolt+s": true,
	"dynamodb": true, "firestore": true, "s3": true,
	// Directories and identity.
	"ldap": false, "ldaps": true, "ldap+tls": true, "kerberos": true, "radius": false, "radsec": true,
	// Files.
	"nfs": false, "nfs+krb5p": true, "smb": false, "cifs": false, "smb3+encryption": true,
	"ftp": false, "ftps": true, "ftpes": true, "sftp": true, "scp": true, "rsync": false, "rsync+ssh": true,
	"webdav": false, "webdavs": true, "tftp": false, "iscsi": false,
	// Messaging and streaming.
	"amqp": false, "amqps": true, "mqtt": false, "mqtts": true, "mqtt+tls": true,
	"kafka": false, "kafka+ssl": true, "kafka+tls": true, "kafka+sasl_ssl": true,
	"nats": false, "nats+tls": true, "tls+nats": true, "stomp": false, "stomp+ssl": true, "stomps": true,
	"zeromq": false, "zmq": false, "sqs": true, "sns": true, "pubsub": true, "eventbridge": true,
	"xmpp": false, "xmpps": true, "irc": false, "ircs": true, "sip": false, "sips": true,
	// Mail.
	"smtp": false, "smtps": true, "submissions": true, "smtp+starttls": true,
	"imap": false, "imaps": true, "pop3": false, "pop3s": true,
	// Operations.
	"syslog": false, "syslog+tls": true, "snmp": false, "snmpv3": true, "dns": false, "dot": true, "doh": true,
	"rdp": true, "vnc": false, "docker": false, "docker+tls": true,
}

// protocolEncrypted says whether a protocol name implies encryption in
// transit, and whether the name is known at all. It accepts a URL scheme
// or a whole URL (postgres://db:5432, jdbc:mysql://...), and a JDBC URL is
// judged by its driver's scheme and its TLS options.
func protocolEncrypted(p string) (encrypted, known bool) {
	s := strings.ToLower(strings.TrimSpace(p))
	rest := ""
	if i := strings.Index(s, "://"); i >= 0 {
		s, rest = s[:i], s[i+3:]
	}
	if after, ok := strings.CutPrefix(s, "jdbc:"); ok {
		s = after
		if i := strings.IndexAny(s, ":/"); i >= 0 {
			rest = s[i:] + rest
			s = s[:i]
		}
		if s == "oracle" && strings.Contains(rest, "tcps") {
			return true, true
		}
	}
	enc, ok := protocolTable[s]
	if !ok {
		return false, false
	}
	if !enc && rest != "" && tlsOption(rest) {
		return true, true
	}
	return enc, true
}

// tlsOption reports whether a URL's query turns TLS on and requires it.
func tlsOption(rest string) bool {
	q := rest
	if i := strings.IndexAny(q, "?;"); i >= 0 {
		q = q[i+1:]
	} else {
		return false
	}
	for _, kv := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "sslmode":
			if v == "require" || v == "verify-ca" || v == "verify-full" {
				return true
			}
		case "ssl", "tls", "usessl", "encrypt", "requiressl":
			if v == "true" || v == "1" || v == "required" {
				return true
			}
		case "sslmode-required", "ssl-mode":
			if v == "required" || v == "verify_ca" || v == "verify_identity" {
				return true
			}
		}
	}
	return false
}
