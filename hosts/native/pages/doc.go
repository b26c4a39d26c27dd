// Package pages serves the web pages a person sees in front of hassauth:
// the /auth/authorize login page that Home Assistant's apps and OAuth
// clients open in a browser, the first-run form that creates the owner, the
// /profile page of a logged-in person, and / which leads to it.
//
// The pages are plain HTML, CSS and a little JavaScript embedded in the
// binary, with no build step. They talk to the server only through its
// public API, exactly as Home Assistant's frontend does (GET
// /auth/providers, the login flow endpoints, POST /api/onboarding/users;
// for the profile, /auth/token, /auth/revoke and the auth commands of
// /api/websocket), so they also show that the API is enough for a real
// client. The profile page logs in as the server's own OAuth client and
// keeps its tokens in the browser (localStorage or sessionStorage), never
// in a cookie: the server holds no page session. Before the login page is
// rendered, the handler asks the core (through Call) whether the request's
// client_id and redirect_uri are acceptable and whether onboarding is done,
// so that a bad request gets an error page and never a form whose result
// would be sent somewhere it must not go.
//
// New wraps a host: the pages' paths are answered here and every other
// request goes to the host unchanged.
//
//	h, _ := native.Open(native.Options{ConfigDir: "config"})
//	http.ListenAndServe("127.0.0.1:8123", pages.New(h))
//
// The package must not decide anything about authentication itself: every
// rule (client ids, redirect URIs, passwords, usernames) is the core's, and
// the pages only display its answers.
package pages
