package iac

import (
	"github.com/threatmap/threatmap"
	"github.com/threatmap/threatmap/evidence"
)

// RuleInfo describes one of this scanner's rules.
type RuleInfo = evidence.RuleInfo

// Rules lists every rule the iac scanner applies.
func Rules() []RuleInfo {
	return []RuleInfo{
		ruleS3PublicAccessBlock,
		ruleS3PublicACL,
		rulePublicResourcePolicy,
		ruleUnencryptedStorage,
		ruleS3EncryptionUndeclared,
		ruleInternetExposed,
		rulePlainHTTP,
		ruleAccessLogging,
		ruleAuditTrail,
		ruleContainerRoot,
		ruleContainerPrivileged,
		ruleMutableImage,
		ruleSecretLiteral,
		ruleSharedServiceAccount,
		ruleHostMount,
		ruleDatabaseNoAuth,
		ruleAPIOpen,
		ruleParseError,
	}
}

var ruleHostMount = RuleInfo{
	ID:    "iac-host-mount",
	Title: "Host path or host socket mounted into a container",
	Description: "A Kubernetes hostPath volume, a compose bind mount or an ECS host volume gives the container a directory of " +
		"the host. The Docker or containerd socket (/var/run/docker.sock) is the host itself: whoever runs code in the " +
		"container starts a privileged container next to it (critical). The host's root, /etc, /proc, /var/run, /var/lib/kubelet " +
		"or /root expose its credentials and processes (high); any other hostPath ties the pod to one node's files (medium). " +
		"Use volumes, secrets and config maps instead; an agent that needs the socket belongs on a dedicated node.",
	Severity: threatmap.High,
	Property: evidence.NonRootContainer,
}

var ruleDatabaseNoAuth = RuleInfo{
	ID:    "iac-database-no-auth",
	Title: "Database started without a password",
	Description: "The container's environment turns off the database's own authentication: POSTGRES_HOST_AUTH_METHOD=trust " +
		"accepts every connection without a password, MYSQL_ALLOW_EMPTY_PASSWORD (or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD) leaves " +
		"root without one. Anything that reaches the port (another container, a published port, an SSRF) owns the data. " +
		"Set a password from a secret.",
	Severity: threatmap.High,
	Property: evidence.Authentication,
}

var ruleAPIOpen = RuleInfo{
	ID:    "iac-api-unauthenticated",
	Title: "API method without authorization or throttling",
	Description: "An API Gateway method (or HTTP API route) has authorization NONE, requires no API key, and no usage plan or " +
		"stage setting throttles it. Anyone who finds the URL can call it as often as they like, and every call runs and bills " +
		"the integration behind it. Add an authorizer, or at least an API key with a usage plan, and stage throttling.",
	Severity: threatmap.Medium,
	Property: evidence.RateLimited,
}

var ruleS3PublicAccessBlock = RuleInfo{
	ID:    "iac-s3-public-access-block",
	Title: "Bucket without a complete public access block",
	Description: "The bucket has no aws_s3_bucket_public_access_block with all four settings true (and the account has none). " +
		"One permissive ACL or bucket policy later, every object is public; automated scanners enumerate public buckets in minutes. " +
		"Add the block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets set to true.",
	Severity: threatmap.High,
	Property: evidence.PublicAccessBlocked,
}

var ruleS3PublicACL = RuleInfo{
	ID:    "iac-s3-public",
	Title: "Bucket readable or writable by anyone",
	Description: "A canned ACL (public-read, public-read-write, authenticated-read) or a bucket policy allowing Principal \"*\" " +
		"without a Condition makes the bucket's objects public. Serve files through short-lived signed URLs instead.",
	Severity: threatmap.Critical,
	Property: evidence.PublicAccessBlocked,
}

var rulePublicResourcePolicy = RuleInfo{
	ID:    "iac-public-resource-policy",
	Title: "Queue, topic, key, secret or function open to any principal",
	Description: "A resource policy (SQS queue, SNS topic, ECR repository, Secrets Manager secret, KMS key) allows Principal \"*\" " +
		"without a Condition, or a Lambda permission lets principal \"*\" invoke the function with no source_arn, source_account " +
		"or principal_org_id. Anyone with an AWS account can then read, publish, pull, decrypt or invoke. Name the principals, or add " +
		"a condition such as aws:SourceArn or aws:PrincipalOrgID.",
	Severity: threatmap.Critical,
	Property: evidence.PublicAccessBlocked,
}

var ruleUnencryptedStorage = RuleInfo{
	ID:    "iac-unencrypted-storage",
	Title: "Storage not encrypted at rest",
	Description: "A database, disk, file system, cache, queue or topic is declared without encryption at rest (RDS storage_encrypted, " +
		"EBS/EFS encrypted, ElastiCache at_rest_encryption_enabled, SQS sqs_managed_sse_enabled or a KMS key, SNS kms_master_key_id). " +
		"Snapshots, backups and disks that leave your control then carry the data in clear. Turn encryption on; it costs next to nothing.",
	Severity: threatmap.High,
	Property: evidence.EncryptedAtRest,
}

var ruleS3EncryptionUndeclared = RuleInfo{
	ID:    "iac-s3-encryption-undeclared",
	Title: "Bucket encryption left to the default",
	Description: "The bucket declares no server-side encryption. Since 2023 S3 encrypts new objects with S3-managed keys (SSE-S3) " +
		"by default, so data is encrypted, but with a key whose use you cannot restrict or audit. Declare the encryption, " +
		"with a KMS key for sensitive data, so that the configuration states what the model claims.",
	Severity: threatmap.Low,
}

var ruleInternetExposed = RuleInfo{
	ID:    "iac-internet-exposed",
	Title: "Admin or database port open to the internet",
	Description: "A security group, Kubernetes Service or compose port mapping lets the whole internet (0.0.0.0/0, ::/0, all " +
		"interfaces) reach SSH, RDP, a database, a cache, a cluster API, an admin panel, or every port; or a database is " +
		"publicly_accessible. These are what automated scanners probe first. Restrict the source to a VPN or bastion range, or bind to a private network.",
	Severity: threatmap.High,
	Property: evidence.NotInternetExposed,
}

var rulePlainHTTP = RuleInfo{
	ID:    "iac-plain-http",
	Title: "Traffic without TLS",
	Description: "A load balancer listener serves plain HTTP without redirecting to HTTPS, a cache has transit encryption off, an " +
		"Ingress has no TLS, or a service is configured to call another over http://, ws:// or redis://. Inside a VPC " +
		"too: a foothold anywhere on the network reads and alters the traffic. Use HTTPS/TLS for internal calls as well.",
	Severity: threatmap.Medium,
	Property: evidence.EncryptedInTransit,
}

var ruleAccessLogging = RuleInfo{
	ID:    "iac-access-logging",
	Title: "Access logging disabled",
	Description: "A bucket or load balancer keeps no access log, so who read which object or called which endpoint cannot be " +
		"reconstructed after an incident. Enable S3 server access logging (aws_s3_bucket_logging) and load balancer access_logs.",
	Severity: threatmap.Low,
	Property: evidence.AccessLogging,
}

var ruleAuditTrail = RuleInfo{
	ID:    "iac-audit-trail",
	Title: "No audit trail",
	Description: "The configuration declares AWS resources but no CloudTrail trail, or a trail with enable_logging = false. " +
		"Without it, API calls made with a stolen key (creating users, reading secrets, deleting data) leave no record. " +
		"Declare a multi-region trail with log file validation.",
	Severity: threatmap.Medium,
	Property: evidence.AuditLog,
}

var ruleContainerRoot = RuleInfo{
	ID:    "iac-container-root",
	Title: "Container runs as root",
	Description: "The image's last stage has no USER (or USER root), a Kubernetes container has neither runAsNonRoot: true nor " +
		"a non-zero runAsUser, or a compose service or ECS container sets user root. A code execution bug then runs as root, " +
		"one kernel or runtime flaw away from the host. Run as an unprivileged user.",
	Severity: threatmap.Medium,
	Property: evidence.NonRootContainer,
}

var ruleContainerPrivileged = RuleInfo{
	ID:    "iac-container-privileged",
	Title: "Privileged container",
	Description: "The container runs privileged, may escalate privileges, adds SYS_ADMIN or ALL capabilities, or shares the host's " +
		"network or process namespace. Escaping to the host is then a matter of minutes. Remove these settings.",
	Severity: threatmap.High,
	Property: evidence.NonRootContainer,
}

var ruleMutableImage = RuleInfo{
	ID:    "iac-mutable-image",
	Title: "Image not pinned by digest",
	Description: "The base or deployed image is referenced by a tag (or none, meaning latest) instead of a digest. Tags move: the " +
		"next build or restart can pull a different, possibly compromised image. Pin with @sha256:... and let a bot update it.",
	Severity: threatmap.Medium,
	Property: evidence.PinnedImage,
}

var ruleSecretLiteral = RuleInfo{
	ID:    "iac-secret-literal",
	Title: "Secret written into configuration",
	Description: "A password, token or key is a literal value in an environment variable, a Terraform argument, a variable " +
		"default or an instance's boot script (user data, readable by anyone who can describe the instance), so it is in the repository and in every plan, image layer and manifest. Read it from a secret store " +
		"(Secrets Manager, SSM Parameter Store, Kubernetes Secret, Docker secrets) at run time, and rotate the exposed value.",
	Severity: threatmap.High,
	Property: evidence.SecretsNotInConfig,
}

var ruleSharedServiceAccount = RuleInfo{
	ID:    "iac-shared-service-account",
	Title: "Kubernetes service account shared by several workloads",
	Description: "Several Deployments, Jobs or other workloads run as the same named service account. With IRSA or workload " +
		"identity that account carries a cloud role, so every workload gets the union of their permissions and a compromise " +
		"of one is a compromise of all. Give each workload its own service account.",
	Severity: threatmap.Medium,
	Property: evidence.UnsharedIdentity,
}

var ruleParseError = RuleInfo{
	ID:          "iac-parse-error",
	Title:       "Infrastructure file does not parse",
	Description: "A Terraform, Kubernetes, compose or Dockerfile could not be read, so nothing in it was checked. Fix the syntax error at the position given.",
	Severity:    threatmap.Medium,
}
