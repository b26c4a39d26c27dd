package core

// signQueryParam is SIGN_QUERY_PARAM, the query parameter of a signed path.
const signQueryParam = "authSig"

// authenticateSignedPath authenticates a GET or HEAD request by its authSig.
func (c *Core) authenticateSignedPath(r *request) {}
