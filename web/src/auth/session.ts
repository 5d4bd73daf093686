/**
 * Who is signed in, as the pages see it. The OpenID implementation
 * (auth/oidc-session.ts: authorization code with PKCE against Cognito's hosted
 * UI or the local platform's provider) fills it in; tests give a fixed one.
 */
export interface SignedInUser {
  /** The `sub` claim: the owner id the API records on simulations. */
  sub: string;
  username: string;
  groups: string[];
  isAdmin: boolean;
}

export interface Session {
  user: SignedInUser | undefined;
  /** Why the console is signed out when it was not the user's doing (a renew that failed); shown on the sign-in screen. */
  signedOutReason?: string;
  /** A fresh access token (renewed when close to expiry), or undefined when signed out. */
  accessToken(): Promise<string | undefined>;
  /** Goes to the provider's sign-in; back at `returnTo` (path, query and hash) afterwards. */
  signIn(returnTo?: string): Promise<void>;
  signOut(): Promise<void>;
}
