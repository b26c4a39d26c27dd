package native

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

func testHost(t *testing.T) (*Host, *bytes.Buffer) {
	var logs bytes.Buffer
	return &Host{log: slog.New(slog.NewTextHandler(&logs, nil))}, &logs
}

func checkScript(t *testing.T) string {
	t.Helper()
	path, err := filepath.Abs("testdata/command_line/check.sh")
	require.NoError(t, err)
	return path
}

func TestRunCommand(t *testing.T) {
	script := checkScript(t)
	run := func(user, pass string, timeout int) (*core.RunResult, string) {
		h, logs := testHost(t)
		r := h.runCommand(core.Run{ID: 7, Command: script, Env: []core.Header{{Name: "username", Value: user}, {Name: "password", Value: pass}}, TimeoutMillis: timeout})
		return r, logs.String()
	}

	t.Run("only username and password in the environment", func(t *testing.T) {
		t.Setenv("HASSAUTH_SECRET_IN_HOST", "leak")
		r, _ := run("env", "p w", 10000)
		require.Empty(t, r.Error)
		assert.Equal(t, 0, r.ExitCode)
		assert.Equal(t, "# password=p w\n# username=env\n", string(r.Stdout))
	})
	t.Run("accepted with meta and stderr logged", func(t *testing.T) {
		r, logs := run("alice", "wonder land", 10000)
		assert.Equal(t, uint64(7), r.ID)
		assert.Equal(t, 0, r.ExitCode)
		assert.Contains(t, string(r.Stdout), "name = Alice Liddell\n")
		assert.Contains(t, logs, "oops")
	})
	t.Run("exit code", func(t *testing.T) {
		r, _ := run("alice", "wrong", 10000)
		assert.Equal(t, 3, r.ExitCode)
		assert.Empty(t, r.Error)
	})
	t.Run("time limit", func(t *testing.T) {
		r, _ := run("slow", "x", 200)
		assert.Equal(t, -1, r.ExitCode)
		assert.Contains(t, r.Error, "timed out after 200ms")
	})
	t.Run("missing command", func(t *testing.T) {
		h, _ := testHost(t)
		r := h.runCommand(core.Run{ID: 1, Command: filepath.Join(t.TempDir(), "nope"), TimeoutMillis: 1000})
		assert.Equal(t, -1, r.ExitCode)
		assert.NotEmpty(t, r.Error)
	})
}

func TestFetch(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			io.WriteString(w, `<link rel="redirect_uri" href="/cb">`+strings.Repeat("x", 20000))
		case "/moved":
			http.Redirect(w, r, "/page", http.StatusFound)
		case "/stall":
			io.WriteString(w, `<link rel="redirect_uri" href="/cb">`)
			w.(http.Flusher).Flush()
			<-release
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	defer close(release)
	h, _ := testHost(t)
	h.opts.HTTPClient = srv.Client()

	r := h.fetch(core.Fetch{ID: 1, URL: srv.URL + "/page", MaxBytes: 10240, TimeoutMillis: 5000, FollowRedirects: true})
	assert.Empty(t, r.Error)
	assert.Equal(t, 200, r.Status)
	assert.False(t, r.Redirected)
	assert.Len(t, r.Body, 10240, "the body is cut at MaxBytes")

	r = h.fetch(core.Fetch{ID: 2, URL: srv.URL + "/moved", MaxBytes: 10240, TimeoutMillis: 5000, FollowRedirects: true})
	assert.Equal(t, 200, r.Status)
	assert.True(t, r.Redirected)

	r = h.fetch(core.Fetch{ID: 3, URL: srv.URL + "/moved", MaxBytes: 10240, TimeoutMillis: 5000})
	assert.Equal(t, 302, r.Status)
	assert.False(t, r.Redirected)

	r = h.fetch(core.Fetch{ID: 4, URL: srv.URL + "/stall", MaxBytes: 10240, TimeoutMillis: 300, FollowRedirects: true})
	assert.Equal(t, 200, r.Status)
	assert.True(t, strings.HasPrefix(r.Error, "timeout: "), r.Error)
	assert.Equal(t, `<link rel="redirect_uri" href="/cb">`, string(r.Body), "what arrived before the time ran out")

	r = h.fetch(core.Fetch{ID: 5, URL: "http://127.0.0.1:1/", MaxBytes: 10, TimeoutMillis: 1000})
	assert.NotEmpty(t, r.Error)
	assert.Zero(t, r.Status)
}

// The entries PyYAML 6.0.3's CSafeDumper writes for Home Assistant's
// IpBanManager._add_ban ("\n" + yaml_util.dump({ip: {"banned_at": ...}})),
// for addresses Python prints and for scalars that test the quoting rules.
var pyyamlBans = [][3]string{
	{"192.168.1.10", "2026-09-01T10:00:00+00:00", "\n192.168.1.10:\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"203.0.113.5", "2026-09-01T10:00:00.123456+00:00", "\n203.0.113.5:\n  banned_at: '2026-09-01T10:00:00.123456+00:00'\n"},
	{"fd00::1", "2026-09-01T10:00:00+00:00", "\nfd00::1:\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"::1", "2026-09-01T10:00:00+00:00", "\n::1:\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"::", "2026-09-01T10:00:00+00:00", "\n'::':\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"fe80::", "2026-09-01T10:00:00+00:00", "\n'fe80::':\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"1:2:3:4:5:6:7:8", "2026-09-01T10:00:00+00:00", "\n'1:2:3:4:5:6:7:8':\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"1:2:3:4:5:6:7:0", "2026-09-01T10:00:00+00:00", "\n'1:2:3:4:5:6:7:0':\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"10:20:30:40:50:59:1:2", "x", "\n'10:20:30:40:50:59:1:2':\n  banned_at: x\n"},
	{"10:20:30:40:50:60:1:2", "x", "\n10:20:30:40:50:60:1:2:\n  banned_at: x\n"},
	{"2001:db8::1", "2026-09-01T10:00:00+00:00", "\n2001:db8::1:\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"::ffff:1.2.3.4", "2026-09-01T10:00:00+00:00", "\n::ffff:1.2.3.4:\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"fe80::1%eth0", "2026-09-01T10:00:00+00:00", "\nfe80::1%eth0:\n  banned_at: '2026-09-01T10:00:00+00:00'\n"},
	{"fe80::1%a b", "x", "\nfe80::1%a b:\n  banned_at: x\n"},
	{"fe80::1%a: b", "x", "\n'fe80::1%a: b':\n  banned_at: x\n"},
	{"fe80::1%it's", "x", "\nfe80::1%it's:\n  banned_at: x\n"},
	{"fe80::1%a #b", "x", "\n'fe80::1%a #b':\n  banned_at: x\n"},
	{"fe80::1%a\tb", "x", "\n\"fe80::1%a\\tb\":\n  banned_at: x\n"},
	{"fe80::1%\u00e9", "x", "\nfe80::1%\u00e9:\n  banned_at: x\n"},
	{"", "", "\n'':\n  banned_at: ''\n"},
	{"yes", "no", "\n'yes':\n  banned_at: 'no'\n"},
	{"12", "0x1F", "\n'12':\n  banned_at: '0x1F'\n"},
	{"--- x", "...", "\n'--- x':\n  banned_at: '...'\n"},
	{"-", "? x", "\n'-':\n  banned_at: '? x'\n"},
}

func TestAppendBanMatchesPyYAML(t *testing.T) {
	for _, c := range pyyamlBans {
		t.Run(c[0], func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, appendBan(dir, core.Ban{IP: c[0], BannedAt: c[1]}))
			b, err := os.ReadFile(filepath.Join(dir, BansFile))
			require.NoError(t, err)
			assert.Equal(t, c[2], string(b))
		})
	}
}

// Bans written here read back, and bans Home Assistant wrote read here.
func TestBansFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	var want []core.Ban
	for _, c := range pyyamlBans[:13] {
		ban := core.Ban{IP: c[0], BannedAt: c[1]}
		if ban.BannedAt == "x" {
			ban.BannedAt = "2026-09-01T10:00:00+00:00"
		}
		require.NoError(t, appendBan(dir, ban))
		want = append(want, ban)
	}
	h, logs := testHost(t)
	got, err := readBans(dir, h.log)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Empty(t, logs.String())
}

func TestParseBans(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		ips      []string
		problems int
	}{
		{"empty", "", nil, 0},
		{"null document", "~\n", nil, 0},
		{"written by Home Assistant", "\n192.168.1.10:\n  banned_at: '2026-09-01T10:00:00+00:00'\n\nfd00::1:\n  banned_at: '2026-09-01T10:00:00.123456+00:00'\n", []string{"192.168.1.10", "fd00::1"}, 0},
		{"timestamp unquoted", "10.0.0.1:\n  banned_at: 2026-09-01 10:00:00\n", []string{"10.0.0.1"}, 0},
		{"banned_at null", "10.0.0.1:\n  banned_at:\n", []string{"10.0.0.1"}, 0},
		{"empty entry", "10.0.0.1: {}\n", []string{"10.0.0.1"}, 0},
		{"entry not a dict", "10.0.0.1:\n10.0.0.2: {}\n", []string{"10.0.0.2"}, 1},
		{"bad datetime", "10.0.0.1:\n  banned_at: yesterday\n", nil, 1},
		{"extra key", "10.0.0.1:\n  banned_at: null\n  reason: x\n", nil, 1},
		{"not an address", "example.com: {}\n01.2.3.4: {}\n10.0.0.3: {}\n", []string{"10.0.0.3"}, 2},
		{"mapped address kept as written", "'::ffff:10.0.0.1': {}\n", []string{"::ffff:10.0.0.1"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bans, problems, err := parseBans([]byte(c.text))
			require.NoError(t, err)
			var ips []string
			for _, b := range bans {
				ips = append(ips, b.IP)
			}
			assert.Equal(t, c.ips, ips)
			assert.Len(t, problems, c.problems, "%v", problems)
		})
	}
	for _, bad := range []string{"[1, 2]\n", "a: [\n", "just text\n"} {
		_, _, err := parseBans([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func TestReadBansUnparsableIsLoggedNotFatal(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, BansFile), []byte("a: [\n"), 0o644))
	h, logs := testHost(t)
	bans, err := readBans(dir, h.log)
	require.NoError(t, err)
	assert.Empty(t, bans)
	assert.Contains(t, logs.String(), "Unable to load")
}

// FuzzParseBans feeds arbitrary ip_bans.yaml text: no panic, and every ban
// read is an address that writes and reads back the same.
func FuzzParseBans(f *testing.F) {
	for _, c := range pyyamlBans {
		f.Add([]byte(c[2]))
	}
	f.Add([]byte("10.0.0.1:\n  banned_at: 2026-09-01 10:00:00\n"))
	f.Add([]byte("<<: *a\n"))
	// The bans of the conformance vectors, as the host appends them.
	var all []byte
	for _, b := range vectorseeds.MustLoad(f).Bans {
		if b.BannedAt == "" {
			b.BannedAt = "2026-09-01T10:00:00+00:00"
		}
		all = append(all, "\n"+yamlKey(b.IP)+":\n  banned_at: "+yamlKey(b.BannedAt)+"\n"...)
	}
	f.Add(all)
	f.Fuzz(func(t *testing.T, text []byte) {
		bans, _, err := parseBans(text)
		if err != nil {
			return
		}
		for _, b := range bans {
			if b.BannedAt == "" {
				// banned_at: null; the core always records a time.
				b.BannedAt = "2026-09-01T10:00:00+00:00"
			}
			entry := "\n" + yamlKey(b.IP) + ":\n  banned_at: " + yamlKey(b.BannedAt) + "\n"
			back, problems, err := parseBans([]byte(entry))
			if err != nil || len(problems) > 0 || len(back) != 1 || back[0].IP != b.IP {
				t.Fatalf("%q wrote %q, read back %v %v %v", b.IP, entry, back, problems, err)
			}
		}
	})
}
