package certs

import (
	"crypto/x509"
	"fmt"

	certificatesv1 "k8s.io/api/certificates/v1"
)

// Kubernetes names a certificate's usages with words (spec.usages,
// k8s.io/api/certificates/v1 types.go KeyUsage); csrtui describes what a request
// asks for and what a certificate carries with the same words.

// keyUsageWords maps RFC 5280 keyUsage bits, in bit order (x509.KeyUsage's
// 1<<i is bit i), to their words.
var keyUsageWords = []string{
	string(certificatesv1.UsageDigitalSignature),
	string(certificatesv1.UsageContentCommitment),
	string(certificatesv1.UsageKeyEncipherment),
	string(certificatesv1.UsageDataEncipherment),
	string(certificatesv1.UsageKeyAgreement),
	string(certificatesv1.UsageCertSign),
	string(certificatesv1.UsageCRLSign),
	string(certificatesv1.UsageEncipherOnly),
	string(certificatesv1.UsageDecipherOnly),
}

type extKeyUsage struct {
	oid  string
	eku  x509.ExtKeyUsage
	word certificatesv1.KeyUsage
}

// extKeyUsages maps each extendedKeyUsage to its word, by OID (how a request
// carries it) and by crypto/x509's enum (how a parsed certificate does).
var extKeyUsages = []extKeyUsage{
	{"2.5.29.37.0", x509.ExtKeyUsageAny, certificatesv1.UsageAny},
	{"1.3.6.1.5.5.7.3.1", x509.ExtKeyUsageServerAuth, certificatesv1.UsageServerAuth},
	{"1.3.6.1.5.5.7.3.2", x509.ExtKeyUsageClientAuth, certificatesv1.UsageClientAuth},
	{"1.3.6.1.5.5.7.3.3", x509.ExtKeyUsageCodeSigning, certificatesv1.UsageCodeSigning},
	{"1.3.6.1.5.5.7.3.4", x509.ExtKeyUsageEmailProtection, certificatesv1.UsageEmailProtection},
	{"1.3.6.1.5.5.7.3.5", x509.ExtKeyUsageIPSECEndSystem, certificatesv1.UsageIPsecEndSystem},
	{"1.3.6.1.5.5.7.3.6", x509.ExtKeyUsageIPSECTunnel, certificatesv1.UsageIPsecTunnel},
	{"1.3.6.1.5.5.7.3.7", x509.ExtKeyUsageIPSECUser, certificatesv1.UsageIPsecUser},
	{"1.3.6.1.5.5.7.3.8", x509.ExtKeyUsageTimeStamping, certificatesv1.UsageTimestamping},
	{"1.3.6.1.5.5.7.3.9", x509.ExtKeyUsageOCSPSigning, certificatesv1.UsageOCSPSigning},
	{"1.3.6.1.4.1.311.10.3.3", x509.ExtKeyUsageMicrosoftServerGatedCrypto, certificatesv1.UsageMicrosoftSGC},
	{"2.16.840.1.113730.4.1", x509.ExtKeyUsageNetscapeServerGatedCrypto, certificatesv1.UsageNetscapeSGC},
}

// extKeyUsageWordOf names an extendedKeyUsage OID, or returns the dotted OID
// when Kubernetes has no word for it.
func extKeyUsageWordOf(oid string) string {
	for _, e := range extKeyUsages {
		if e.oid == oid {
			return string(e.word)
		}
	}
	return oid
}

// extKeyUsageName names an extendedKeyUsage crypto/x509 knows.
func extKeyUsageName(u x509.ExtKeyUsage) string {
	for _, e := range extKeyUsages {
		if e.eku == u {
			return string(e.word)
		}
	}
	return fmt.Sprintf("ext key usage %d", int(u))
}
