package certs

import (
	"fmt"
	"testing"
	"time"

	certificatesv1 "k8s.io/api/certificates/v1"
)

func issuedCSR(b *testing.B, c csrSpec) *certificatesv1.CertificateSigningRequest {
	c.request = c.req.pem(b)
	c.cert = issue(b, c.request, false)
	c.conds = []certificatesv1.RequestConditionType{certificatesv1.CertificateApproved}
	return c.build(b)
}

func BenchmarkSummarize(b *testing.B) {
	rsaSpec := clientSpec()
	rsaSpec.req.key = keyRSA2048()
	for _, bc := range []struct {
		name string
		obj  *certificatesv1.CertificateSigningRequest
	}{
		{"RSA-2048/pending", rsaSpec.build(b)},
		{"RSA-2048/issued", issuedCSR(b, rsaSpec)},
		{"P-256/pending", clientSpec().build(b)},
		{"P-256/issued", issuedCSR(b, clientSpec())},
		{"P-256/serving-issued", issuedCSR(b, servingSpec())},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p, f := DefaultPolicy(), goodFacts()
			b.ReportAllocs()
			for b.Loop() {
				_ = Summarize(bc.obj, p, f)
			}
		})
	}
}

// summaries10k are 10,000 kubelets' requests, as Summarize leaves them for
// sorting and filtering.
func summaries10k() []*Summary {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	list := make([]*Summary, 10000)
	for i := range list {
		node := intern("system:node:node-" + fmt.Sprint(i%300))
		s := &Summary{
			Name:     fmt.Sprintf("csr-%05d", (i*7919)%10000),
			Username: node,
			State:    State(i % 5),
			Created:  base.Add(time.Duration((i*104729)%5000) * time.Second),
			Request:  &Request{CommonName: node, Organizations: internList([]string{"system:nodes"})},
		}
		s.Search = searchText(s)
		list[i] = s
	}
	return list
}

func BenchmarkSort10k(b *testing.B) {
	src := summaries10k()
	work := make([]*Summary, len(src))
	b.ReportAllocs()
	for b.Loop() {
		copy(work, src)
		Sort(work)
	}
}

func BenchmarkMatches10k(b *testing.B) {
	list := summaries10k()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, s := range list {
			if s.Matches("node-29") {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("nothing matched")
	}
}

func BenchmarkSanitize(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"clean-ascii", "system:node:ip-10-0-12-34.eu-west-1.compute.internal"},
		{"clean-unicode", "café-日本-ノード-0001"},
		{"hostile", "jane\x1b]0;pwned\x07\u202etxt.exe\u200b\xff"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Sanitize(bc.in)
			}
		})
	}
}

// BenchmarkBacklog10k is what each snapshot of a big cluster costs the console
// to find the superseded requests: 3,500 pending of 300 kubelets and 40 people.
func BenchmarkBacklog10k(b *testing.B) {
	list := summaries10k()
	for i, s := range list {
		s.State = StatePending
		if i%20 < 13 {
			s.State = StateIssued
		}
		s.UID = s.Name
		s.Signer = KubeAPIServerClientKubeletSignerName
		s.Username = fmt.Sprintf("system:node:node-%03d", i%340)
		s.Request = &Request{Subject: []Attribute{{OID: "2.5.4.3", Name: "CN", Value: s.Username}}, DNSNames: []string{"node"}}
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = BacklogOf(list).Len()
	}
	if n == 0 {
		b.Fatal("nothing superseded")
	}
}
