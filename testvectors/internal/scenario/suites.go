package scenario

// Suites lists every suite, one vector file each.
func Suites() []*Suite {
	return []*Suite{
		HTTPSuite(),
		LoginFlowSuite(),
		TokenSuite(),
		AccessTokenSuite(),
		WebsocketSuite(),
		CallsSuite(),
		LifecycleSuite(),
		BansSuite(),
		MFASuite(),
		SignedPathSuite(),
		WSAuthSuite(),
		MFASetupSuite(),
		UserAdminSuite(),
		LinkUserSuite(),
		OnboardingSuite(),
		ExternalSuite(),
		ProvidersSuite(),
		JournalSuite(),
	}
}
