package scenario

import "github.com/hassauth/hassauth/testvectors"

// Notes explains every flag a case may carry. A vector file lists the
// notes of the flags its tests use.
var Notes = map[string]testvectors.Note{
	"Normal":              {BugType: "BASIC", Description: "A well-formed request that the protocol accepts."},
	"HAString":            {BugType: "DEFINED", Description: "The reply carries Home Assistant's exact status, error code or message, which clients match on."},
	"InvalidInput":        {BugType: "FUNCTIONALITY", Description: "A malformed or incomplete request is refused with Home Assistant's error."},
	"CodeReplay":          {BugType: "AUTH_BYPASS", Description: "An authorization code is single use: a second exchange, even by its owner, must fail."},
	"ExpiredCode":         {BugType: "AUTH_BYPASS", Description: "An authorization code older than ten minutes must not be exchanged."},
	"ClientIdMismatch":    {BugType: "AUTH_BYPASS", Description: "A code or refresh token is bound to its client_id; another client must not use it."},
	"RedirectUriMismatch": {BugType: "AUTH_BYPASS", Description: "A redirect URI the client does not publish must not receive a code."},
	"RevokedToken":        {BugType: "AUTH_BYPASS", Description: "A revoked refresh token and every access token and websocket it issued must stop working."},
	"ExpiredToken":        {BugType: "AUTH_BYPASS", Description: "An access token past its exp (beyond the 10 s leeway) must be refused."},
	"TamperedToken":       {BugType: "AUTH_BYPASS", Description: "A token whose payload or signature was changed must be refused."},
	"AlgNone":             {BugType: "AUTH_BYPASS", Description: "An unsigned token (alg none) must be refused."},
	"AlgConfusion":        {BugType: "WRONG_PRIMITIVE", Description: "Only HS256 is accepted; a token naming another algorithm must be refused even if its signature is right for that algorithm."},
	"MalformedToken":      {BugType: "EDGE_CASE", Description: "A token that is not three base64url segments of JSON must be refused without error."},
	"OversizeToken":       {BugType: "EDGE_CASE", Description: "A token longer than 8192 characters is refused before any decoding, however well it is signed."},
	"MissingClaim":        {BugType: "AUTH_BYPASS", Description: "An access token without exp or iat, or with claims of the wrong type, must be refused."},
	"InactiveUser":        {BugType: "AUTH_BYPASS", Description: "An inactive user must not log in, exchange codes, refresh or use access tokens."},
	"LocalOnly":           {BugType: "AUTH_BYPASS", Description: "A local-only user must not authenticate from an address that is not local."},
	"FlowHijack":          {BugType: "AUTH_BYPASS", Description: "A login flow must be continued from the address that started it."},
	"PkceDowngrade":       {BugType: "AUTH_BYPASS", Description: "A code_verifier sent for a code issued without a challenge is refused, so PKCE cannot be claimed after the fact."},
	"PkceVerifier":        {BugType: "AUTH_BYPASS", Description: "A code issued with a PKCE challenge needs the matching code_verifier."},
	"FailedLogin":         {BugType: "MISSING_STEP", Description: "The request counts (or must not count) as a failed login towards the IP ban."},
	"Ban":                 {BugType: "MISSING_STEP", Description: "Too many failed logins ban the address; a banned address is refused everywhere."},
	"Spoofing":            {BugType: "AUTH_BYPASS", Description: "Forwarded headers are honoured only from trusted proxies and only when configured."},
	"Cors":                {BugType: "FUNCTIONALITY", Description: "CORS answers follow Home Assistant's allowed origins and headers."},
	"TimingParity":        {BugType: "CONFIDENTIALITY", Description: "An unknown user costs the same password check as a known one, so timing does not reveal accounts."},
	"NoSecretLeak":        {BugType: "CONFIDENTIALITY", Description: "Listings never include token secrets or keys."},
	"Leeway":              {BugType: "EDGE_CASE", Description: "Clock skew of up to 10 s is allowed on an access token's times, and no more."},
	"Normalization":       {BugType: "EDGE_CASE", Description: "Usernames are compared after strip() and casefold()."},
	"Timer":               {BugType: "FUNCTIONALITY", Description: "Something the core must do unprompted happens at its deadline, not before."},
	"Persistence":         {BugType: "FUNCTIONALITY", Description: "Changes are written to the stored documents with Home Assistant's timing and content."},
	"Websocket":           {BugType: "FUNCTIONALITY", Description: "Websocket framing and phases as Home Assistant's websocket_api has them."},
	"HassauthBound":       {BugType: "EDGE_CASE", Description: "A bound hassauth adds where Home Assistant keeps state without limit; the result is acceptable rather than Home Assistant's."},
	"Mfa":                 {BugType: "FUNCTIONALITY", Description: "The multi-factor steps of the login flow."},
	"MfaBruteForce":       {BugType: "AUTH_BYPASS", Description: "Wrong MFA codes are limited per flow and an MFA session expires."},
	"Lifecycle":           {BugType: "FUNCTIONALITY", Description: "Loading, refusing input before the load, and stopping on stored documents that do not parse."},
}
