package network

// Home Assistant's texts, copied exactly: they appear in replies, logs and flow results.

// Reply to any request the forwarded rules reject: aiohttp's HTTPBadRequest with no text.
const (
	// BadRequestStatus is the HTTP status of every forwarded-header rejection.
	BadRequestStatus = 400
	// BadRequestBody is the reply body aiohttp writes for a bare HTTPBadRequest.
	BadRequestBody = "400: Bad Request"
	// BadRequestContentType is the Content-Type of that reply.
	BadRequestContentType = "text/plain; charset=utf-8"
)

// Log lines of the forwarded middleware. Those ending in a space or ": " are followed
// by a value (an address or the first header line), as Home Assistant formats them.
const (
	// LogNotSetUpPrefix and LogNotSetUpSuffix surround the peer address when a request
	// carries X-Forwarded-For but use_x_forwarded_for is off.
	LogNotSetUpPrefix = "A request from a reverse proxy was received from "
	// LogNotSetUpSuffix ends the use_x_forwarded_for-off log line.
	LogNotSetUpSuffix = ", but your HTTP integration is not set-up for reverse proxies"
	// LogUntrustedProxy precedes the peer address when the peer is not a trusted proxy.
	LogUntrustedProxy = "Received X-Forwarded-For header from an untrusted proxy "
	// LogInvalidFor precedes the first X-Forwarded-For line when an item is not an IP.
	LogInvalidFor = "Invalid IP address in X-Forwarded-For: "
	// LogEmptyProto precedes the first X-Forwarded-Proto line when an item is empty.
	LogEmptyProto = "Empty item received in X-Forward-Proto header: "
	// LogProtoCountPrefix starts the log line for a proto list of the wrong length:
	// "<prefix><for count><middle><proto count>: <first proto line>".
	LogProtoCountPrefix = "Incorrect number of elements in X-Forward-Proto. Expected 1 or "
	// LogProtoCountMiddle separates the two counts in that line.
	LogProtoCountMiddle = ", got "
	// LogEmptyHost is logged when the X-Forwarded-Host value used is empty.
	LogEmptyHost = "Empty value received in X-Forward-Host header"
)

// Reasons the trusted_networks provider refuses an address (InvalidAuthError texts).
const (
	// ReasonTrustedNetworksNotConfigured: the provider has an empty network list.
	ReasonTrustedNetworksNotConfigured = "trusted_networks is not configured"
	// ReasonNotInTrustedNetworks: the address is in none of the provider's networks.
	ReasonNotInTrustedNetworks = "Not in trusted_networks"
	// ReasonProxyServer: the address is one of http's trusted_proxies.
	ReasonProxyServer = "Can't allow access from a proxy server"
	// ReasonCloud: the request came through Home Assistant Cloud.
	ReasonCloud = "Can't allow access from Home Assistant Cloud"
)

// Reasons a local-only user is refused (async_user_not_allowed_do_auth).
const (
	// ReasonUserLocalOnly: a local-only user on a cloud connection.
	ReasonUserLocalOnly = "User is local only"
	// ReasonInvalidRemoteIP: the request's remote address is not an IP address.
	ReasonInvalidRemoteIP = "Invalid remote IP"
	// ReasonNotLocal: a local-only user from an address that is not local.
	ReasonNotLocal = "User cannot authenticate remotely"
)
