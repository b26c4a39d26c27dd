// Package vectorseeds reads the conformance vectors (testvectors/*.json)
// for the seed corpora of fuzz targets: the request bodies, websocket
// frames, tokens, queries, stored documents and wire JSON that the vectors
// hold are the meaningful inputs every decoder should start from.
//
// It is for tests only. It decodes the vector files with encoding/json
// into its own small types and imports nothing of the module, so that the
// internal tests of any package (core/jwt, core/storage, ...) can use it
// without an import cycle.
package vectorseeds

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// HTTP is an HTTP request of a vector.
type HTTP struct {
	Method, Path, Query string
	Header              [][2]string
	Body                []byte
	Remote              string
}

// ContentType returns the request's content-type header.
func (h HTTP) ContentType() string {
	for _, hd := range h.Header {
		if strings.EqualFold(hd[0], "content-type") {
			return hd[1]
		}
	}
	return ""
}

// Call is an embedder call of a vector.
type Call struct {
	Op   string
	Args []byte
}

// Set is what the vectors hold, each list without repeats and in a fixed
// order.
type Set struct {
	// Inputs and Outputs are the wire JSON of every step.
	Inputs, Outputs [][]byte
	HTTP            []HTTP
	// Frames are the websocket messages clients sent.
	Frames [][]byte
	// Sent are the websocket messages the core sent.
	Sent [][]byte
	// Files are stored documents by path: loaded, written or appended.
	Files map[string][][]byte
	Calls []Call
	// Fetched are the bodies of fetched client_id pages.
	Fetched [][]byte
	// Tokens are the JWTs found anywhere: Bearer headers, auth messages,
	// signed paths, results.
	Tokens []string
	// Bans are the banned addresses, loaded or recorded.
	Bans []Ban
}

// Ban is a line of ip_bans.yaml.
type Ban struct {
	IP       string `json:"ip"`
	BannedAt string `json:"banned_at"`
}

var (
	once   sync.Once
	loaded *Set
	errSet error
)

// Load reads the vectors once per process.
func Load() (*Set, error) {
	once.Do(func() { loaded, errSet = read() })
	return loaded, errSet
}

// MustLoad is Load for tests: a failure to read the vectors fails tb.
func MustLoad(tb testing.TB) *Set {
	tb.Helper()
	s, err := Load()
	if err != nil {
		tb.Fatalf("vectorseeds: %v", err)
	}
	return s
}

// Bodies returns the HTTP bodies sent with a content type that starts with
// prefix (any content type for "").
func (s *Set) Bodies(prefix string) [][]byte {
	var out [][]byte
	for _, h := range s.HTTP {
		if len(h.Body) > 0 && strings.HasPrefix(h.ContentType(), prefix) {
			out = append(out, h.Body)
		}
	}
	return unique(out)
}

// Stored returns every stored document, in the order of their paths.
func (s *Set) Stored() [][]byte {
	paths := make([]string, 0, len(s.Files))
	for p := range s.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out [][]byte
	for _, p := range paths {
		out = append(out, s.Files[p]...)
	}
	return out
}

// Clients returns the client_id and redirect_uri pairs of the requests
// bodies (JSON or form); redirect_uri is "" where a body has none.
func (s *Set) Clients() [][2]string {
	var out [][2]string
	seen := map[[2]string]bool{}
	for _, h := range s.HTTP {
		var pair [2]string
		var m map[string]any
		if json.Unmarshal(h.Body, &m) == nil {
			pair[0], _ = m["client_id"].(string)
			pair[1], _ = m["redirect_uri"].(string)
		} else if v, err := url.ParseQuery(string(h.Body)); err == nil {
			pair[0] = v.Get("client_id")
		}
		if pair[0] != "" && !seen[pair] {
			seen[pair] = true
			out = append(out, pair)
		}
	}
	return out
}

// Queries returns the raw query strings of the HTTP requests.
func (s *Set) Queries() []string {
	var out []string
	for _, h := range s.HTTP {
		if h.Query != "" {
			out = append(out, h.Query)
		}
	}
	return uniqueStrings(out)
}

// Spread returns at most n of list, evenly spread over it, so that a seed
// corpus stays small enough for every test run while it still covers the
// vectors from end to end.
func Spread[T any](list []T, n int) []T {
	if len(list) <= n {
		return list
	}
	out := make([]T, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, list[i*len(list)/n])
	}
	return out
}

// wireBytes is the wire form of bytes: a JSON string, or {"base64": ...}.
type wireBytes []byte

func (b *wireBytes) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*b = []byte(s)
		return nil
	}
	var o struct {
		Base64 string `json:"base64"`
	}
	if err := json.Unmarshal(data, &o); err != nil {
		return err
	}
	d, err := base64.StdEncoding.DecodeString(o.Base64)
	*b = d
	return err
}

type fileOp struct {
	Path string    `json:"path"`
	Data wireBytes `json:"data"`
}

type input struct {
	HTTP *struct {
		Method string      `json:"method"`
		Path   string      `json:"path"`
		Query  string      `json:"query"`
		Header [][2]string `json:"header"`
		Body   wireBytes   `json:"body"`
		Remote string      `json:"remote"`
	} `json:"http"`
	WSMessage *struct {
		Data wireBytes `json:"data"`
	} `json:"ws_message"`
	Load *struct {
		Files []fileOp `json:"files"`
	} `json:"load"`
	Call *struct {
		Op   string          `json:"op"`
		Args json.RawMessage `json:"args"`
	} `json:"call"`
	FetchDone *struct {
		Body wireBytes `json:"body"`
	} `json:"fetch_done"`
}

type output struct {
	Effects []struct {
		WSSend *struct {
			Data wireBytes `json:"data"`
		} `json:"ws_send"`
		Write  *fileOp `json:"write"`
		Append *fileOp `json:"append"`
		Ban    *Ban    `json:"ban"`
	} `json:"effects"`
}

type vectorFile struct {
	TestGroups []struct {
		Files []struct {
			Path string `json:"path"`
			Data string `json:"data"`
		} `json:"files"`
		Bans  []Ban `json:"bans"`
		Tests []struct {
			Steps []struct {
				Input  json.RawMessage `json:"input"`
				Output json.RawMessage `json:"output"`
			} `json:"steps"`
		} `json:"tests"`
	} `json:"testGroups"`
}

var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)

// dir finds testvectors/ from the working directory (a package's
// directory under go test).
func dir() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "testvectors"), nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no go.mod above the working directory")
		}
		d = parent
	}
}

func read() (*Set, error) {
	d, err := dir()
	if err != nil {
		return nil, err
	}
	paths, err := filepath.Glob(filepath.Join(d, "*.json"))
	if err != nil {
		return nil, err
	}
	s := &Set{Files: map[string][][]byte{}}
	for _, p := range paths {
		if strings.HasSuffix(p, "_schema_v1.json") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var f vectorFile
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, errors.New(filepath.Base(p) + ": " + err.Error())
		}
		for _, g := range f.TestGroups {
			for _, file := range g.Files {
				s.Files[file.Path] = append(s.Files[file.Path], []byte(file.Data))
			}
			s.Bans = append(s.Bans, g.Bans...)
			for _, t := range g.Tests {
				for _, st := range t.Steps {
					if err := s.step(st.Input, st.Output); err != nil {
						return nil, errors.New(filepath.Base(p) + ": " + err.Error())
					}
				}
			}
		}
	}
	if len(s.Inputs) == 0 {
		return nil, errors.New("no vectors in " + d)
	}
	s.Inputs, s.Outputs = unique(s.Inputs), unique(s.Outputs)
	s.HTTP = uniqueHTTP(s.HTTP)
	s.Frames, s.Sent, s.Fetched = unique(s.Frames), unique(s.Sent), unique(s.Fetched)
	for k, v := range s.Files {
		s.Files[k] = unique(v)
	}
	s.Tokens = uniqueStrings(s.Tokens)
	return s, nil
}

func (s *Set) step(in, out json.RawMessage) error {
	s.Inputs = append(s.Inputs, in)
	s.Outputs = append(s.Outputs, out)
	s.Tokens = append(s.Tokens, jwtPattern.FindAllString(string(in), -1)...)
	s.Tokens = append(s.Tokens, jwtPattern.FindAllString(string(out), -1)...)
	var i input
	if err := json.Unmarshal(in, &i); err != nil {
		return err
	}
	switch {
	case i.HTTP != nil:
		h := i.HTTP
		s.HTTP = append(s.HTTP, HTTP{Method: h.Method, Path: h.Path, Query: h.Query, Header: h.Header, Body: h.Body, Remote: h.Remote})
	case i.WSMessage != nil:
		s.Frames = append(s.Frames, i.WSMessage.Data)
	case i.Load != nil:
		for _, f := range i.Load.Files {
			s.Files[f.Path] = append(s.Files[f.Path], f.Data)
		}
	case i.Call != nil:
		s.Calls = append(s.Calls, Call{Op: i.Call.Op, Args: i.Call.Args})
	case i.FetchDone != nil:
		s.Fetched = append(s.Fetched, i.FetchDone.Body)
	}
	var o output
	if err := json.Unmarshal(out, &o); err != nil {
		return err
	}
	for _, e := range o.Effects {
		switch {
		case e.WSSend != nil:
			s.Sent = append(s.Sent, e.WSSend.Data)
		case e.Write != nil:
			s.Files[e.Write.Path] = append(s.Files[e.Write.Path], e.Write.Data)
		case e.Append != nil:
			s.Files[e.Append.Path] = append(s.Files[e.Append.Path], e.Append.Data)
		case e.Ban != nil:
			s.Bans = append(s.Bans, *e.Ban)
		}
	}
	return nil
}

func unique(list [][]byte) [][]byte {
	seen := map[string]bool{}
	var out [][]byte
	for _, b := range list {
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, b)
		}
	}
	return out
}

func uniqueStrings(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	n := 0
	for i, v := range out {
		if i == 0 || v != out[n-1] {
			out[n] = v
			n++
		}
	}
	return out[:n]
}

func uniqueHTTP(list []HTTP) []HTTP {
	seen := map[string]bool{}
	var out []HTTP
	for _, h := range list {
		b, _ := json.Marshal(h)
		if !seen[string(b)] {
			seen[string(b)] = true
			out = append(out, h)
		}
	}
	return out
}
