package pages

import "net/http"

// ProfilePath is the page of the logged-in person.
const ProfilePath = "/profile"

// serveIndex is GET /: the way in for a person who opens the server's
// address. Whether the browser holds tokens only its own script knows, so
// everyone goes to the profile page, which shows the profile to a
// logged-in person and sends anyone else through the login page first.
func (h *Handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, ProfilePath, http.StatusFound)
}
