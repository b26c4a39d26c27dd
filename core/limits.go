package core

import "github.com/hassauth/hassauth/core/orjson"

// MaxJSONValues is the most values a JSON document from the network may
// hold: an HTTP body (login flows, link_user, onboarding) or a websocket
// message. Every array element, object member value and the top value
// count one. Home Assistant parses without such a limit; here a parsed
// value takes some 72 bytes, so a 16 MiB body of "[0,0,...]" would
// otherwise cost over half a GiB. The largest message a client of the auth
// API sends has a few dozen values. Beyond the limit an HTTP body is
// answered as JSON that does not parse (400 "Invalid JSON.") and a
// websocket message closes its connection with 1009 (message too big).
const MaxJSONValues = 10_000

// wsCloseTooBig is the websocket close code of a message that is too big
// (RFC 6455).
const wsCloseTooBig = 1009

// parseNetworkJSON parses a JSON document that came from the network.
func parseNetworkJSON(b []byte) (orjson.Value, error) {
	return orjson.ParseLimited(b, MaxJSONValues)
}
