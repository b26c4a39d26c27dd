package core

// Config is what the core is built with: Home Assistant's auth_providers,
// auth_mfa_modules and http settings, plus the facts a host knows about
// itself. A host reads it from configuration.yaml (hosts/native) or from
// JSON (the WebAssembly ABI).
type Config struct {
	// HAVersion is the Home Assistant release whose behaviour hassauth
	// follows: sent as ha_version on the websocket and stored in each new
	// refresh token's version.
	HAVersion string
	// Providers are the auth providers in configuration order. Empty means
	// Home Assistant's default, one homeassistant provider.
	Providers []ProviderConfig
	// MFAModules are the MFA modules in configuration order. Nil means Home
	// Assistant's default, one totp module; an empty, non-nil list means none.
	MFAModules []MFAModuleConfig
	HTTP       HTTPConfig
	// BcryptCost overrides the bcrypt cost of new password hashes; 0 means
	// Home Assistant's 12. Only tests should lower it.
	BcryptCost int
	// URLs are the server's own base URLs (internal, external), used to
	// decide the OAuth metadata's issuer. Empty means relative endpoints.
	URLs []string
	// NotifyServices names the notification services the host can deliver
	// Notify effects to, as Home Assistant's notify.<name> services: the
	// notify MFA module offers them (after include and exclude) and sends
	// codes through them. Empty means the module has nothing to offer.
	NotifyServices []string
	// FaultInjection enables the OpFault call, which makes the core panic
	// on purpose so that tests can check how hosts survive a failing
	// engine. Never set it outside tests.
	FaultInjection bool
}

// ProviderConfig configures one auth provider. Type selects which fields
// matter.
type ProviderConfig struct {
	Type string
	// ID is the provider id; nil for the default. The homeassistant
	// provider accepts none.
	ID   *string
	Name *string

	// insecure_example
	Users []ExampleUser

	// trusted_networks
	TrustedNetworks  []string
	TrustedUsers     []TrustedUsers
	AllowBypassLogin bool

	// command_line
	Command string
	Args    []string
	Meta    bool
}

// ExampleUser is a user of the insecure_example provider.
type ExampleUser struct {
	Username string
	Password string
	Name     *string
}

// TrustedUsers limits the users offered to clients in one network: each
// entry is a user id, or a group when Group is set.
type TrustedUsers struct {
	Network string
	Users   []TrustedUser
}

// TrustedUser is a user id or a group id allowed from a network.
type TrustedUser struct {
	UserID string
	Group  string
}

// MFAModuleConfig configures one MFA module.
type MFAModuleConfig struct {
	Type string
	// ID defaults to Type.
	ID   string
	Name *string

	// insecure_example
	Data []ExamplePIN

	// notify
	Include []string
	Exclude []string
	Message *string
}

// ExamplePIN is a PIN of the insecure_example MFA module.
type ExamplePIN struct {
	UserID string
	PIN    string
}

// HTTPConfig holds the keys of Home Assistant's http integration that the
// auth component depends on.
type HTTPConfig struct {
	UseXForwardedFor bool
	TrustedProxies   []string
	// IPBanEnabled defaults to true in Home Assistant; nil means default.
	IPBanEnabled *bool
	// LoginAttemptsThreshold is -1 (no automatic bans) unless set.
	LoginAttemptsThreshold *int
	// CORSAllowedOrigins defaults to https://cast.home-assistant.io.
	CORSAllowedOrigins []string
}
