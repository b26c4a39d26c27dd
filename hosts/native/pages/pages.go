package pages

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// Core is what the pages need of a host: its handler for every request
// that is not a page, and the core's operations (core.OpCheckRedirect,
// core.OpOnboarding) that a page asks before it renders. *native.Host is
// one.
type Core interface {
	http.Handler
	Call(ctx context.Context, op string, args []byte) ([]byte, error)
}

// StaticPrefix is where the pages' style sheet and scripts are served.
const StaticPrefix = "/auth/static/"

//go:embed web
var files embed.FS

// Handler serves the pages and hands everything else to the core.
type Handler struct {
	core   Core
	pages  map[string]http.HandlerFunc
	assets map[string]asset
}

// asset is an embedded static file with its validator.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// New returns a handler that serves the pages in front of c.
func New(c Core) *Handler {
	h := &Handler{core: c, assets: loadAssets()}
	// Each page is one path, with its template and script under web/.
	h.pages = map[string]http.HandlerFunc{
		"/":               h.serveIndex,
		"/auth/authorize": h.serveAuthorize,
		ProfilePath:       h.serveProfile,
	}
	return h
}

// ServeHTTP answers the pages and their assets, and passes every other
// request to the core.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if page, ok := h.pages[r.URL.Path]; ok {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "405: Method Not Allowed", http.StatusMethodNotAllowed)
			return
		}
		page(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, StaticPrefix) {
		h.serveAsset(w, r)
		return
	}
	h.core.ServeHTTP(w, r)
}

func loadAssets() map[string]asset {
	out := map[string]asset{}
	err := fs.WalkDir(files, "web/static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		// The system's MIME table may lack these or name them oddly.
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		out[strings.TrimPrefix(p, "web/static/")] = asset{body: b, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		panic("pages: reading embedded assets: " + err.Error())
	}
	return out
}

func (h *Handler) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := h.assets[strings.TrimPrefix(r.URL.Path, StaticPrefix)]
	if !ok {
		http.Error(w, "404: Not Found", http.StatusNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405: Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", a.etag)
	hd.Set("X-Content-Type-Options", "nosniff")
	// ServeContent answers If-None-Match against the ETag with 304.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// contentSecurityPolicy allows the pages' own scripts, styles and requests
// and nothing else: no inline script, no framing (the login form must not
// be overlaid by another site), no form posts elsewhere.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// render writes a page. Pages are never cached: they carry the state of the
// request that asked for them.
func render(w http.ResponseWriter, t *template.Template, status int, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// parsePage parses a page's template with the shared layout.
func parsePage(name string) *template.Template {
	return template.Must(template.New(name).ParseFS(files, "web/templates/layout.html", "web/templates/"+name))
}
