// PKCE values as RFC 7636 defines them (§4.1): a verifier is 43-128 unreserved characters, and so is
// a plain challenge; an S256 challenge (43 base64url characters) fits the same pattern.

export const pkceValue = /^[A-Za-z0-9._~-]{43,128}$/
