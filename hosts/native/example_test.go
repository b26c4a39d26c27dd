package native_test

import (
	"fmt"
	"log"
	"net/http"

	"github.com/hassauth/hassauth/hosts/native"
)

// A Go program serves Home Assistant's auth endpoints from its
// configuration directory and protects its own endpoint with the same
// access tokens.
func ExampleHost_RequireAuth() {
	h, err := native.Open(native.Options{ConfigDir: "config"})
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()

	mux := http.NewServeMux()
	mux.Handle("/", h) // /auth/*, /api/websocket, ...
	mux.Handle("/api/mine", h.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, _ := native.TokenInfoFrom(r.Context())
		fmt.Fprintf(w, "hello %s\n", info.UserID)
	})))
	log.Fatal(http.ListenAndServe("127.0.0.1:8123", mux))
}
