package certs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeFileName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"node-csr-abc", "node-csr-abc"},
		{"jane.example", "jane.example"},
		{"", "csr"},
		{".", "_"},
		{"..", "__"},
		{".hidden", "_hidden"},
		{"-rf", "_rf"},
		{"a/b", "a_b"},
		{`a\b`, "a_b"},
		{"a\x00b", "a_b"},
		{"x\x1b]0;t\x07", "x__0_t_"},
		{"café", "caf_"},
		{"abc\u202etxt", "abc_txt"},
		{"name.", "name_"},
		{"CON", "_CON"},
		{"nul.crt", "_nul.crt"},
	} {
		if got := SafeFileName(tc.in); got != tc.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long1 := SafeFileName(strings.Repeat("a", 500) + "1")
	long2 := SafeFileName(strings.Repeat("a", 500) + "2")
	if len(long1) > maxFileName || long1 == long2 {
		t.Errorf("long names: %d bytes, distinct=%v", len(long1), long1 != long2)
	}
}

func checkSafeFileName(t *testing.T, in string) {
	got := SafeFileName(in)
	if got == "" || got == "." || got == ".." || len(got) > maxFileName || got[0] == '.' || got[0] == '-' ||
		strings.ContainsAny(got, "/\\\x00") || !utf8.ValidString(got) {
		t.Fatalf("SafeFileName(%q) = %q", in, got)
	}
	for _, r := range got {
		if r < 0x20 || r == 0x7f || unsafeRune(r) {
			t.Fatalf("SafeFileName(%q) = %q holds %U", in, got, r)
		}
	}
}

func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"", ".", "..", "a/b", "-x", "\x00", "日本"} {
		f.Add(s)
	}
	f.Fuzz(checkSafeFileName)
}

func TestWriteFile(t *testing.T) {
	data := []byte("-----BEGIN CERTIFICATE-----\n...\n")
	t.Run("new file", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "jane.crt")
		if err := WriteFile(p, data, 0o644, false); err != nil {
			t.Fatal(err)
		}
		assertFile(t, p, data, 0o644)
		assertOnly(t, dir, "jane.crt")
	})
	t.Run("exists without overwrite", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "jane.crt")
		if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		err := WriteFile(p, data, 0o644, false)
		if !errors.Is(err, ErrFileExists) || !errors.Is(err, fs.ErrExist) {
			t.Fatalf("err = %v, want ErrFileExists", err)
		}
		assertFile(t, p, []byte("old"), 0o600)
		assertOnly(t, dir, "jane.crt")
	})
	t.Run("dangling symlink counts as existing", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "jane.crt")
		if err := os.Symlink(filepath.Join(dir, "elsewhere"), p); err != nil {
			t.Skip("no symlinks:", err)
		}
		if err := WriteFile(p, data, 0o644, false); !errors.Is(err, ErrFileExists) {
			t.Fatalf("err = %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "elsewhere")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatal("wrote through the symlink")
		}
	})
	t.Run("overwrite", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "jane.crt")
		if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(p, data, 0o644, true); err != nil {
			t.Fatal(err)
		}
		assertFile(t, p, data, 0o644)
		assertOnly(t, dir, "jane.crt")
	})
	t.Run("missing folder", func(t *testing.T) {
		dir := t.TempDir()
		p := filepath.Join(dir, "nope", "jane.crt")
		err := WriteFile(p, data, 0o644, false)
		if err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("folder is a file", func(t *testing.T) {
		dir := t.TempDir()
		f := filepath.Join(dir, "file")
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(filepath.Join(f, "jane.crt"), data, 0o644, false); err == nil {
			t.Fatal("wrote under a file")
		}
	})
	t.Run("target is a folder", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(filepath.Join(dir, "sub"), data, 0o644, true); err == nil {
			t.Fatal("replaced a folder")
		}
		assertOnly(t, dir, "sub")
	})
	t.Run("read-only folder leaves nothing", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores folder permissions")
		}
		dir := t.TempDir()
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
		if err := WriteFile(filepath.Join(dir, "x.crt"), data, 0o644, false); err == nil {
			t.Fatal("wrote into a read-only folder")
		}
		assertOnly(t, dir)
	})
}

func assertFile(t *testing.T, p string, data []byte, mode os.FileMode) {
	t.Helper()
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(data) {
		t.Fatalf("content = %q, want %q", got, data)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != mode {
		t.Fatalf("mode = %v, want %v", fi.Mode().Perm(), mode)
	}
}

// assertOnly checks no temp file was left behind.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("folder holds %q, want %q", got, names)
	}
}

func TestCertificateFile(t *testing.T) {
	one := string(issue(t, reqSpec{cn: "one"}.pem(t), false))
	two := string(issue(t, reqSpec{cn: "two"}.pem(t), false))
	for _, tc := range []struct {
		name    string
		status  string
		want    string
		wantErr string
	}{
		{"one", one, one, ""},
		{"a chain", one + two, one + two, ""},
		{"text around and between", "\x1b]0;pwned\x07\n" + one + "junk\x9b\n" + two + "\x1b[2J", one + two, ""},
		{"other block types dropped", "-----BEGIN NOTE-----\nZXZpbA==\n-----END NOTE-----\n" + one, one, ""},
		{"headers dropped", strings.Replace(one, "-----\n", "-----\nNote: \x1b]0;x\x07\n\n", 1), one, ""},
		{"empty", "", "", "no PEM CERTIFICATE block"},
		{"no certificate", "-----BEGIN NOTE-----\nZXZpbA==\n-----END NOTE-----\n", "", "no PEM CERTIFICATE block"},
		{"not a certificate", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n", "", "does not parse"},
	} {
		got, err := CertificateFile([]byte(tc.status))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.wantErr)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// FuzzCertificateFile: whatever status.certificate holds, the file written is PEM
// armour and base64 only (no byte a terminal would act on), and re-reading it gives
// the same file.
func FuzzCertificateFile(f *testing.F) {
	cert := issue(f, reqSpec{cn: "fuzz"}.pem(f), false)
	f.Add(cert)
	f.Add(append([]byte("\x1b]0;title\x07"), cert...))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nH: \x9b\n\nAAAA\n-----END CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, status []byte) {
		out, err := CertificateFile(status)
		if err != nil {
			return
		}
		for i, c := range out {
			if c != '\n' && (c < 0x20 || c > 0x7e) {
				t.Fatalf("byte %#x at %d of %q", c, i, out)
			}
		}
		again, err := CertificateFile(out)
		if err != nil || string(again) != string(out) {
			t.Fatalf("re-reading the file gave %q, %v", again, err)
		}
	})
}

// The dialog shows the subjects ExportCertificates returns, and the file it
// returns is what is written: the two always describe the same certificates.
func TestExportCertificates(t *testing.T) {
	one := string(issue(t, reqSpec{cn: "one"}.pem(t), false))
	two := string(issue(t, reqSpec{cn: "two", orgs: []string{"system:masters"}}.pem(t), false))
	file, subjects, err := ExportCertificates([]byte("junk\n" + one + "-----BEGIN NOTE-----\nZXZpbA==\n-----END NOTE-----\n" + two))
	if err != nil || string(file) != one+two {
		t.Fatalf("file %q, %v", file, err)
	}
	if len(subjects) != 2 || !strings.Contains(subjects[0], "CN=one") || !strings.Contains(subjects[1], "CN=two") || !strings.Contains(subjects[1], "O=system:masters") {
		t.Fatalf("subjects %q", subjects)
	}
	if _, subjects, err := ExportCertificates([]byte("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n" + one)); err == nil || subjects != nil {
		t.Fatalf("a block that does not parse: %q, %v", subjects, err)
	}
}

// A folder is said to be one before anything else: never "replace it?".
func TestWriteFileRefusesAFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "certs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, filepath.Join(dir, "certs")} {
		for _, overwrite := range []bool{false, true} {
			err := WriteFile(p, []byte("x"), 0o644, overwrite)
			if !errors.Is(err, ErrIsFolder) || errors.Is(err, ErrFileExists) || !strings.Contains(err.Error(), "that is a folder") {
				t.Errorf("WriteFile(%s, overwrite %v) = %v", p, overwrite, err)
			}
		}
	}
	assertOnly(t, dir, "certs")
}
