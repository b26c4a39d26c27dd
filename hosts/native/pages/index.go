package pages

import (
	"net/http"
	"net/url"
)

var indexTemplate = parsePage("index.html")

type indexPage struct {
	Title string
	// LoggedIn is set when the login page sent the browser back here with
	// a code.
	LoggedIn bool
	// LoginURL is the authorize URL for this server's own client, as the
	// server sees its address; the script rebuilds it from the browser's
	// address, which is right behind a proxy too.
	LoginURL string
}

// serveIndex is GET /: the way in for a person who opens the server's
// address. It sends the browser to the login page as this server's own
// client (client_id is the server's base URL, as Home Assistant's frontend
// uses), and greets it when the login comes back.
func (h *Handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := &indexPage{Title: "Home Assistant login"}
	if q.Get("auth_callback") != "" && q.Get("code") != "" {
		page.Title = "Logged in"
		page.LoggedIn = true
	} else {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base := scheme + "://" + r.Host + "/"
		page.LoginURL = "/auth/authorize?" + url.Values{
			"response_type": {"code"},
			"client_id":     {base},
			"redirect_uri":  {base + "?auth_callback=1"},
		}.Encode()
	}
	render(w, indexTemplate, http.StatusOK, page)
}
