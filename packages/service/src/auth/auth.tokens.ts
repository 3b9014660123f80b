/** The `TokenVerifier` the platform's guard checks bearer tokens with (built from the config). */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
