package ui

import "testing"

func TestSignerForms(t *testing.T) {
	for signer, want := range map[string][3]string{
		"kubernetes.io/kube-apiserver-client":         {"kubernetes.io/kube-apiserver-client", "kube-apiserver-client", "client"},
		"kubernetes.io/kube-apiserver-client-kubelet": {"kubernetes.io/kube-apiserver-client-kubelet", "kube-apiserver-client-kubelet", "kubelet-client"},
		"kubernetes.io/kubelet-serving":               {"kubernetes.io/kubelet-serving", "kubelet-serving", "kubelet-serving"},
		"kubernetes.io/legacy-unknown":                {"kubernetes.io/legacy-unknown", "legacy-unknown", "legacy-unknown"},
		// Not built in: the domain stays, so it can't pass for one that is.
		"kubernetes.io/nobody":                {"kubernetes.io/nobody", "kubernetes.io/nobody", "kubernetes.io/nobody"},
		"example.com/kube-apiserver-client":   {"example.com/kube-apiserver-client", "example.com/kube-apiserver-client", "example.com/kube-apiserver-client"},
		"kubernetes.io/kubelet-serving\x1b[m": {`kubernetes.io/kubelet-serving\x1b[m`, `kubernetes.io/kubelet-serving\x1b[m`, `kubernetes.io/kubelet-serving\x1b[m`},
	} {
		if got := signerForms(signer); got != want {
			t.Errorf("signerForms(%q) = %q, want %q", signer, got, want)
		}
	}
}
