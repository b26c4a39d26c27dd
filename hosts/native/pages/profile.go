package pages

import "net/http"

var profileTemplate = parsePage("profile.html")

type profilePage struct {
	Title string
}

// serveProfile is GET /profile: the page where a logged-in person sees
// their account, sessions and long-lived tokens, sets up two-factor
// authentication and changes their password.
//
// The page is the same for everyone: the tokens live in the browser, and
// the script gets everything else over the websocket API with them, as
// Home Assistant's frontend does. The authorization code that the login
// page sends back (?auth_callback=1&code=...) is read and exchanged by the
// script, so the server renders nothing from the query.
func (h *Handler) serveProfile(w http.ResponseWriter, r *http.Request) {
	render(w, profileTemplate, http.StatusOK, &profilePage{Title: "Profile"})
}
