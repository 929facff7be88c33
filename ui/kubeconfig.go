package ui

import (
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/csrtui/csrtui/certs"
)

// kubeconfigDialog hands over an issued client certificate as a kubeconfig:
// the cluster csrtui is connected to, a user named after the certificate's
// CN with the certificate embedded, and a client-key path where the user
// puts the key only they hold; its context, <CN>@<cluster>, is current. It
// asks where to write it and where the key goes, and writes it as export
// does: atomically, mode 0600, never over a file without asking again. It is
// bound to the certificate it shows, and reads it again when it opens
// (certread.go), so the bytes written are those of the certificate on
// screen.
type kubeconfigDialog struct {
	form
	keys    *keyMap
	height  int
	name    string // raw CSR name
	b       *binding
	cluster certs.KubeconfigCluster
	user    string           // the kubeconfig's name for the user: the CN, escaped
	groups  []string         // raw
	cert    *certificateRead // the certificate file, as export writes it, once read
	expires time.Time
	now     time.Time
	problem certs.Text
}

// The dialog's fields.
const (
	fieldOut = iota
	fieldKey
)

// newKubeconfigDialog offers to write a kubeconfig for the user of s's
// certificate on cluster, in dir (the working folder when ""), the key
// beside it. It reads the certificate again first (readCertificateCmd,
// answered to id): until it is read, enter writes nothing.
func newKubeconfigDialog(s *certs.Summary, cluster certs.KubeconfigCluster, keys *keyMap, dir string, now time.Time, id int) *kubeconfigDialog {
	cn := s.Request.CommonName
	k := &kubeconfigDialog{
		form: form{keys: keys}, keys: keys, name: s.Name, cluster: cluster,
		// The names land in the admin's and the user's terminals
		// (kubectl config get-contexts): escaped, never raw.
		user: certs.Sanitize(cn).String(), groups: s.Request.Organizations,
		cert: &certificateRead{id: id}, now: now,
		b: &binding{name: s.Name, uid: s.UID, kind: bindCertificate, sum: s.CertificateSum, undone: "written"},
	}
	if s.Certificate != nil {
		k.expires = s.Certificate.NotAfter
	}
	stem := certs.SafeFileName(cn)
	k.add("Write to", "", completePath).input.SetValue(offeredPath(dir, stem+".kubeconfig"))
	k.add("Key path", "", completePath).input.SetValue("./" + stem + ".key")
	for _, f := range k.fields {
		f.input.CursorEnd()
	}
	return k
}

func (k *kubeconfigDialog) bound() *binding { return k.b }

func (k *kubeconfigDialog) Init() tea.Cmd { return k.focused().input.Focus() }

func (k *kubeconfigDialog) SetSize(width, height int) {
	k.form.SetSize(width)
	k.height = height
}

// context is the kubeconfig's context, as certs.Kubeconfig names it.
func (k *kubeconfigDialog) context() string {
	cluster := k.cluster.Name
	if cluster == "" {
		cluster = "cluster"
	}
	return k.user + "@" + cluster
}

// keyPath is the client-key to write: as typed, a leading ~/ made the home
// folder (kubectl does not expand it); a relative path stays relative, which
// kubectl reads from the kubeconfig's folder.
func (k *kubeconfigDialog) keyPath() (string, error) {
	p := k.value(fieldKey)
	if p == "~" || strings.HasPrefix(p, "~/") {
		return expandPath(p)
	}
	return p, nil
}

func (k *kubeconfigDialog) Update(msg tea.Msg) (outcome, tea.Cmd) {
	if r, isRead := msg.(certificateReadMsg); isRead {
		return k.cert.take(r, k.b), nil
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		if p, isPaste := msg.(tea.PasteMsg); isPaste && certs.LooksLikePEM(p.Content) {
			k.problem = lit("That paste was PEM, not a path: it was dropped, never shown. The key stays with the user.")
			return nil, nil
		}
		k.problem = certs.Text{}
		return nil, k.typeInto(msg)
	}
	switch {
	case key.Matches(kp, k.keys.Cancel):
		return cancelOutcome{}, nil
	case key.Matches(kp, k.keys.Complete):
		k.completeFocused()
		return nil, nil
	case key.Matches(kp, k.keys.SubmitWrite) && k.focus == len(k.fields)-1:
		return k.submit(), nil
	case key.Matches(kp, k.keys.FormNext):
		return nil, k.focusOn(k.focus + 1)
	}
	if cmd, moved := k.moveKey(kp); moved {
		return nil, cmd
	}
	k.problem = certs.Text{}
	return nil, k.typeInto(kp)
}

// submit builds the kubeconfig from what the dialog shows.
func (k *kubeconfigDialog) submit() outcome {
	out, keyPath := k.value(fieldOut), k.value(fieldKey)
	switch {
	case out == "":
		k.problem = lit("Give the file to write the kubeconfig to.")
		k.focusOn(fieldOut)
		return nil
	case keyPath == "":
		k.problem = lit("Give the path where the user's key goes: the kubeconfig names it, the key never leaves the user.")
		return nil
	case k.cert.reading():
		k.problem = lit("Still reading the certificate from the cluster: nothing is written until it is read.")
		return nil
	}
	kp, err := k.keyPath()
	if err == nil {
		var data []byte
		data, err = certs.Kubeconfig(k.cluster, certs.KubeconfigUser{Name: k.user, CertificatePEM: k.cert.file, KeyPath: kp})
		if err == nil {
			return writeOutcome{fileWrite: fileWrite{
				name: k.name, uid: k.b.uid, what: certs.Concat(lit("a kubeconfig for "), lit(k.user)),
				path: out, data: data, mode: 0o600, keyPath: kp, certificate: k.cert.file,
			}}
		}
	}
	k.problem = certs.Concat(lit("Not written: "), certs.Sanitize(err.Error()))
	return nil
}

func (k *kubeconfigDialog) ShortHelp() []key.Binding {
	enter := k.keys.FormNext
	if k.focus == len(k.fields)-1 {
		enter = k.keys.SubmitWrite
	}
	return append(k.fieldKeys(), enter, k.keys.Cancel)
}

func (k *kubeconfigDialog) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// View says what the kubeconfig holds, then where it goes and where the key
// must be for it to work.
func (k *kubeconfigDialog) View() string {
	d := &dialogLines{st: k.st, width: k.width, findingLines: 1}
	title := []string{k.st.boxTitle.Render(cutLine(certs.Concat(lit("Kubeconfig for "), lit(k.user)), k.width))}
	d.value("User", lit(k.user))
	d.value("Groups", joinSanitized(k.groups, ", "))
	d.value("Cluster", certs.Concat(certs.Sanitize(k.cluster.Name), lit(" · "), certs.Sanitize(k.cluster.Server)))
	d.value("Context", certs.Concat(lit(k.context()), lit(" (current)")))
	if !k.expires.IsZero() {
		d.value("Valid", lit("until "+k.expires.UTC().Format("2006-01-02 15:04Z")+" ("+until(k.now, k.expires)+" left)"))
	}
	if k.cert.reading() {
		d.lines = append(d.lines, k.st.muted.Render(cutLine(lit("Reading the certificate from the cluster, to write the one shown…"), k.width)))
	}
	var problem []string
	if k.problem.String() != "" {
		for _, l := range cutLines(k.problem, k.width, 2) {
			problem = append(problem, k.st.bad.Render(l))
		}
	}
	return stack(k.height, title, d.lines, k.lines(), cutLines(k.where(), k.width, 2), problem)
}

// where says where kubectl will look for the user's key.
func (k *kubeconfigDialog) where() certs.Text {
	kp, err := k.keyPath()
	if err != nil || kp == "" || k.value(fieldOut) == "" {
		return lit("The user puts their key where the kubeconfig says; it never leaves them.")
	}
	at := keyLocation(k.value(fieldOut), kp)
	if !filepath.IsAbs(at) {
		return certs.Concat(lit("kubectl reads the user's key from "), certs.Sanitize(at), lit(", beside the kubeconfig: only they hold it."))
	}
	return certs.Concat(lit("kubectl reads the user's key from "), certs.Sanitize(at), lit(": only they hold it."))
}

// keyLocation is where kubectl looks for a kubeconfig's client-key:
// relative paths are read from the kubeconfig's folder
// (k8s.io/client-go/tools/clientcmd loader.go ResolvePaths).
func keyLocation(kubeconfig, keyPath string) string {
	if filepath.IsAbs(keyPath) {
		return keyPath
	}
	return filepath.Join(filepath.Dir(kubeconfig), keyPath)
}

// kubeconfigRefusal says why K writes nothing for s, and is empty when it
// can.
func kubeconfigRefusal(s *certs.Summary) certs.Text {
	if s.State != certs.StateIssued || !s.HasCertificate() {
		return noCertificateText(s)
	}
	if s.Request == nil {
		return certs.Concat(certs.Sanitize(s.Name), lit(": the request can't be decoded, so the user it names is unknown: no kubeconfig."))
	}
	if why := certs.KubeconfigRefusal(s.Signer); why != "" {
		return certs.Concat(lit("No kubeconfig for "), certs.Sanitize(s.Name), lit(": signer "), certs.Sanitize(s.Signer), lit(": "), lit(why), lit("."))
	}
	return certs.Text{}
}
