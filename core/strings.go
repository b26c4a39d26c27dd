package core

// Home Assistant's protocol strings: messages, error codes and reasons that
// clients see. They are quoted exactly from Home Assistant; change none.

// HTTP JSON messages ({"message": ...}).
const (
	msgInvalidJSON           = "Invalid JSON."
	msgFormatIncorrect       = "Message format incorrect: "
	msgOnboardingNotFinished = "Onboarding not finished"
	msgInvalidRemoteIP       = "Invalid remote IP"
	msgInvalidClientID       = "Invalid client id"
	msgInvalidHandler        = "Invalid handler specified"
	msgHandlerNoInit         = "Handler does not support init"
	msgInvalidFlow           = "Invalid flow specified"
	msgIPAddressChanged      = "IP address changed"
	msgUserInputMalformed    = "User input malformed"
	msgFlowAborted           = "Flow aborted"
	msgInvalidRedirectURI    = "Invalid redirect URI"
	msgLoginBlocked          = "Login blocked: "
	msgInvalidCode           = "Invalid code"
	msgCredentialLinked      = "Credential already linked"
	msgUserLinked            = "User linked"
	msgAPIRunning            = "API running."
	msgFlowInProgress        = "Flow request already in progress"
	msgUnauthorizedPlain     = "401: Unauthorized"
	msgForbiddenPlain        = "403: Forbidden"
	msgNotFoundPlain         = "404: Not Found"
	msgMethodNotAllowedPlain = "405: Method Not Allowed"
	msgRequestTooLargePlain  = "413: Request Entity Too Large"
	msgInternalErrorPlain    = "500 Internal Server Error\n\nServer got itself in trouble"
)

// Message codes ({"message": ..., "code": ...}).
const (
	codeOnboardingRequired = "onboarding_required"
	codeInvalidRemoteIP    = "invalid_remote_ip"
)

// OAuth errors of /auth/token ({"error": ..., "error_description": ...}).
const (
	oauthInvalidRequest       = "invalid_request"
	oauthInvalidGrant         = "invalid_grant"
	oauthUnsupportedGrantType = "unsupported_grant_type"
	oauthAccessDenied         = "access_denied"
	oauthDescInvalidClientID  = "Invalid client id"
	oauthDescInvalidCode      = "Invalid code"
)

// Reasons async_user_not_allowed_do_auth gives.
const (
	reasonUserNotActive      = "User is not active"
	reasonNoRequest          = "No request available to validate local access"
	reasonLocalOnly          = "User is local only"
	reasonInvalidRemoteIP    = "Invalid remote IP"
	reasonCannotAuthRemotely = "User cannot authenticate remotely"
)

// Login flow step ids, error keys and abort reasons.
const (
	stepInit            = "init"
	stepSelectMFAModule = "select_mfa_module"
	stepMFA             = "mfa"

	errorInvalidAuth       = "invalid_auth"
	errorInvalidCode       = "invalid_code"
	errorInvalidAuthModule = "invalid_auth_module"

	abortLoginExpired = "login_expired"
	abortTooManyRetry = "too_many_retry"
	abortUnknownError = "unknown_error"
	abortNotAllowed   = "not_allowed"
)

// Provider titles.
const (
	titleHomeAssistant   = "Home Assistant Local"
	titleTrustedNetworks = "Trusted Networks"
	titleCommandLine     = "Command Line Authentication"
	titleDefaultProvider = "Unnamed auth provider"
)

// OAuth metadata.
const (
	serviceDocumentation = "https://developers.home-assistant.io/docs/auth_api"
)

// Built-in redirect URIs of Home Assistant's mobile apps live in
// core/indieauth.
